import { expect } from 'chai';

import { createBaton } from '../../server/baton.js';
import { WorkingTime } from '../../server/calendars/business-time.js';
import { ManualClock } from '../../server/clock.js';
import { openSqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { silentLogger, TEST_CONFIG } from '../support/harness.js';

describe('demo organisation calendar', () => {
  it("gives the demo organisation office hours with this year's public holidays, worked by every department; once", async () => {
    // given an empty store in 2026
    const baton = createBaton({ store: openSqliteStore(':memory:'), logger: silentLogger, clock: new ManualClock(new Date('2026-03-02T10:00:00Z')), config: TEST_CONFIG, version: 'test' });
    try {
      // when the demo organisation is seeded
      expect(await baton.seedDemo('demo-password-1')).to.not.equal(null);
      // then the office calendar is Mon–Fri 09:00–18:00 Berlin with Good Friday and Christmas off
      const office = await baton.store.calendars.get('office');
      expect(office?.timeZone).to.equal('Europe/Berlin');
      expect(office?.week.fri).to.deep.equal([['09:00', '18:00']]);
      expect(office?.week.sat).to.equal(undefined);
      const calendar = new WorkingTime(office!);
      expect(calendar.intervalsOf('2026-04-03')).to.deep.equal([]);
      expect(calendar.intervalsOf('2026-12-25')).to.deep.equal([]);
      expect(calendar.intervalsOf('2026-04-07')).to.have.length(1);
      // and every demo department works by it
      expect((await baton.departments.get('l1')).calendarId).to.equal('office');
      // and a second seed changes nothing
      expect(await baton.seedDemo('demo-password-1')).to.equal(null);
      expect(await baton.store.calendars.list()).to.have.length(1);
    } finally {
      await baton.shutdown();
    }
  });
});
