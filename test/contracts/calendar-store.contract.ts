import { expect } from 'chai';

import type { CalendarRecord } from '../../server/calendars/calendar.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

function makeCalendar(overrides: Partial<CalendarRecord> = {}): CalendarRecord {
  return {
    id: 'office',
    name: 'Office',
    timeZone: 'Europe/Berlin',
    week: {
      mon: [
        ['09:00', '13:00'],
        ['14:00', '18:00'],
      ],
      fri: [['09:00', '15:00']],
    },
    holidays: ['2026-12-25', '--01-01', { from: '2026-12-28', to: '2026-12-30', name: 'Closed' }, { date: '2026-05-01', name: 'Labour Day' }],
    exceptions: [{ date: '2026-12-05', hours: [['10:00', '12:00']] }],
    ...overrides,
  };
}

export function calendarStoreContract(open: OpenStore, close: CloseStore): void {
  describe('CalendarStore contract', () => {
    const store = useFreshStore(open, close);

    it('inserts, reads back whole and replaces a calendar by id', async () => {
      // given a calendar with every kind of holiday and an exception
      const calendar = makeCalendar();
      await store().calendars.upsert(calendar);
      expect(await store().calendars.get('office')).to.deep.equal(calendar);
      // when it is upserted with new hours and zone
      const changed = makeCalendar({ name: 'Office NY', timeZone: 'America/New_York', week: {}, holidays: [], exceptions: [] });
      await store().calendars.upsert(changed);
      // then the new version replaced the old one
      expect(await store().calendars.list()).to.deep.equal([changed]);
    });

    it('lists by id, answers null for an unknown id, and deletes', async () => {
      // given two calendars upserted out of order
      await store().calendars.upsert(makeCalendar({ id: 'b-support' }));
      await store().calendars.upsert(makeCalendar({ id: 'a-office' }));
      expect((await store().calendars.list()).map((calendar) => calendar.id)).to.deep.equal(['a-office', 'b-support']);
      expect(await store().calendars.get('missing')).to.equal(null);
      // when one is deleted, then it is gone, and deleting it again says there was none
      expect(await store().calendars.delete('a-office')).to.equal(true);
      expect(await store().calendars.delete('a-office')).to.equal(false);
      expect((await store().calendars.list()).map((calendar) => calendar.id)).to.deep.equal(['b-support']);
    });

    it('assigns a calendar to departments, moves and removes the assignment', async () => {
      // given two calendars
      await store().calendars.upsert(makeCalendar({ id: 'office' }));
      await store().calendars.upsert(makeCalendar({ id: 'support' }));
      // when departments get calendars, one is moved and one removed
      await store().calendars.setDepartmentCalendar('l1', 'office');
      await store().calendars.setDepartmentCalendar('l2', 'office');
      await store().calendars.setDepartmentCalendar('l1', 'support');
      await store().calendars.setDepartmentCalendar('l2', null);
      // then only the last choice of each remains
      expect(await store().calendars.departmentCalendars()).to.deep.equal({ l1: 'support' });
    });
  });
}
