import { expect } from 'chai';
import fc from 'fast-check';

import { alwaysOpen, NoWorkingTimeError, WorkingTime } from '../../server/calendars/business-time.js';
import type { CalendarRecord, WorkingInterval } from '../../server/calendars/calendar.js';

const H = 3_600_000;
const lunch: WorkingInterval[] = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
];

function office(timeZone: string, extra: Partial<CalendarRecord> = {}): CalendarRecord {
  return { id: 'office', name: 'Office', timeZone, week: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch }, holidays: [], exceptions: [], ...extra };
}

const berlin = new WorkingTime(office('Europe/Berlin', { holidays: ['2026-12-25', '--01-01', { from: '2026-12-28', to: '2026-12-30', name: 'Closed' }] }));

describe('business time', () => {
  describe('adding working time', () => {
    it('skips the weekend: 20 h from Friday 16:56 is Wednesday 12:56 with lunch breaks', () => {
      // given a ticket opened on Friday 16:56 Berlin time (8 working hours a day)
      const opened = new Date('2026-11-27T15:56:00Z');
      // when 20 working hours are added
      const due = berlin.add(opened, 20 * H);
      // then Friday gives 1:04, Monday 8, Tuesday 8, and Wednesday the remaining 2:56 (09:00 + 2:56)
      expect(due.toISOString()).to.equal('2026-12-02T10:56:00.000Z');
    });

    it('skips the lunch break', () => {
      // given Monday 12:00 Berlin
      const at = new Date('2026-11-30T11:00:00Z');
      // when two working hours are added
      // then the second falls after the break: 15:00
      expect(berlin.add(at, 2 * H).toISOString()).to.equal('2026-11-30T14:00:00.000Z');
    });

    it('skips dated holidays, yearly holidays and holiday ranges', () => {
      // given Thursday 24 December 2026, 17:00 (the 25th, 28th–30th and 1 January are holidays)
      const at = new Date('2026-12-24T16:00:00Z');
      // when 2 working hours are added: 1 h on the 24th, then the next working day is Thursday the 31st
      expect(berlin.add(at, 2 * H).toISOString()).to.equal('2026-12-31T09:00:00.000Z');
      // and 10 h: 1 h on the 24th, 8 h on the 31st, New Year's Day (yearly) and the weekend skipped: Monday 4 January 10:00
      expect(berlin.add(at, 10 * H).toISOString()).to.equal('2027-01-04T09:00:00.000Z');
    });

    it('counts an exception day: a Saturday worked, a weekday closed', () => {
      // given a calendar that works Saturday 5 December 09:00–12:00 and closes Monday 7 December
      const calendar = new WorkingTime(
        office('Europe/Berlin', {
          exceptions: [
            { date: '2026-12-05', hours: [['09:00', '12:00']] },
            { date: '2026-12-07', hours: [] },
          ],
        }),
      );
      // when 4 working hours are added from Friday 17:00
      const due = calendar.add(new Date('2026-12-04T16:00:00Z'), 4 * H);
      // then 1 h Friday, 3 h Saturday: due Saturday 12:00 exactly
      expect(due.toISOString()).to.equal('2026-12-05T11:00:00.000Z');
      // and one more hour skips Sunday and the closed Monday: Tuesday 10:00
      expect(calendar.add(new Date('2026-12-04T16:00:00Z'), 5 * H).toISOString()).to.equal('2026-12-08T09:00:00.000Z');
    });

    it('ends at the end of an interval rather than at the next start', () => {
      // given Friday 17:00 Berlin, when exactly the one remaining hour is added, then due Friday 18:00
      expect(berlin.add(new Date('2026-12-04T16:00:00Z'), H).toISOString()).to.equal('2026-12-04T17:00:00.000Z');
    });

    it('returns the start itself for nothing to add (reverse: a negative amount moves nothing)', () => {
      const saturday = new Date('2026-12-05T10:00:00Z');
      expect(berlin.add(saturday, 0).getTime()).to.equal(saturday.getTime());
      expect(berlin.add(saturday, -H).getTime()).to.equal(saturday.getTime());
    });

    it('refuses a calendar without any working time instead of looping', () => {
      const closed = new WorkingTime({ id: 'closed', name: 'Closed', timeZone: 'UTC', week: {}, holidays: [], exceptions: [] });
      expect(() => closed.add(new Date('2026-01-01T00:00:00Z'), H)).to.throw(NoWorkingTimeError);
    });

    it('refuses an unknown time zone', () => {
      expect(() => new WorkingTime(office('Mars/Olympus'))).to.throw(RangeError, /Mars\/Olympus/);
    });
  });

  describe('DST', () => {
    it('Europe/Berlin spring forward: a 24/7 calendar counts the real 23 h day', () => {
      // given a 24/7 calendar in Berlin and Saturday 28 March 2026 12:00 local (11:00Z)
      const calendar = new WorkingTime(alwaysOpen('24/7', 'Europe/Berlin'));
      const at = new Date('2026-03-28T11:00:00Z');
      // when 24 h are added across the change on the 29th, then it is wall time: exactly 24 h later
      expect(calendar.add(at, 24 * H).getTime()).to.equal(at.getTime() + 24 * H);
      // and the day of the change holds 23 working hours
      expect(calendar.between(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).to.equal(23 * H);
    });

    it('Europe/Berlin: working hours stay wall-clock hours across the change', () => {
      // given Friday 27 March 2026 17:00 CET (16:00Z); Monday 30 March is CEST (UTC+2)
      const due = berlin.add(new Date('2026-03-27T16:00:00Z'), 2 * H);
      // then 1 h Friday, 1 h Monday: Monday 10:00 CEST = 08:00Z
      expect(due.toISOString()).to.equal('2026-03-30T08:00:00.000Z');
    });

    it('America/New_York fall back: Friday 17:00 EDT + 2 h is Monday 10:00 EST', () => {
      // given New York office hours and Friday 30 October 2026 17:00 EDT (21:00Z); clocks go back on 1 November
      const newYork = new WorkingTime(office('America/New_York'));
      const due = newYork.add(new Date('2026-10-30T21:00:00Z'), 2 * H);
      // then Monday 2 November 10:00 EST = 15:00Z
      expect(due.toISOString()).to.equal('2026-11-02T15:00:00.000Z');
    });

    it('America/New_York: a 24/7 calendar counts the 25 h day of the fall back', () => {
      const calendar = new WorkingTime(alwaysOpen('24/7', 'America/New_York'));
      expect(calendar.between(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T05:00:00Z'))).to.equal(25 * H);
    });
  });

  describe('measuring and the next working instant', () => {
    it('measures working time between two instants, negative when reversed', () => {
      // Friday 16:56 to Monday 10:00 Berlin: 1:04 + 1:00
      const from = new Date('2026-11-27T15:56:00Z');
      const to = new Date('2026-11-30T09:00:00Z');
      expect(berlin.between(from, to)).to.equal(2 * H + 4 * 60_000);
      expect(berlin.between(to, from)).to.equal(-(2 * H + 4 * 60_000));
    });

    it('finds the next working instant', () => {
      // Saturday → Monday 09:00; in the lunch break → 14:00; in working time → itself
      expect(berlin.next(new Date('2026-12-05T10:00:00Z')).toISOString()).to.equal('2026-12-07T08:00:00.000Z');
      expect(berlin.next(new Date('2026-12-07T12:30:00Z')).toISOString()).to.equal('2026-12-07T13:00:00.000Z');
      expect(berlin.isWorking(new Date('2026-12-07T09:30:00Z'))).to.equal(true);
      expect(berlin.isWorking(new Date('2026-12-05T09:30:00Z'))).to.equal(false);
    });

    it('24/7 equals wall time', () => {
      const calendar = new WorkingTime(alwaysOpen('24/7', 'Europe/Berlin'));
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }), fc.integer({ min: 0, max: 90 * 24 * H }), (start, ms) => {
          expect(calendar.add(new Date(start), ms).getTime()).to.equal(start + ms);
          expect(calendar.between(new Date(start), new Date(start + ms))).to.equal(ms);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('properties', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'];
    const calendars = zones.map(
      (zone) => new WorkingTime(office(zone, { holidays: ['2026-12-25', '--01-01', { from: '2027-04-01', to: '2027-04-05' }], exceptions: [{ date: '2026-11-07', hours: [['10:00', '14:00']] }] })),
    );
    const start = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }).map((ms) => new Date(ms));
    const duration = fc.integer({ min: 1, max: 400 * H });
    const calendar = fc.constantFrom(...calendars);

    it('adding d then measuring gives d', () => {
      fc.assert(
        fc.property(calendar, start, duration, (cal, from, d) => cal.between(from, cal.add(from, d)) === d),
        { numRuns: 500 },
      );
    });

    it('the result lies in working time (an interval or its end)', () => {
      fc.assert(
        fc.property(calendar, start, duration, (cal, from, d) => {
          const due = cal.add(from, d);
          return cal.isWorking(due) || cal.isWorking(new Date(due.getTime() - 1));
        }),
        { numRuns: 500 },
      );
    });

    it('is monotonic in d', () => {
      fc.assert(
        fc.property(calendar, start, duration, duration, (cal, from, a, b) => cal.add(from, Math.min(a, b)).getTime() <= cal.add(from, Math.max(a, b)).getTime()),
        { numRuns: 500 },
      );
    });
  });
});
