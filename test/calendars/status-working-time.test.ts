import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import { FIELD_SERVICE, newTicket, statusOf } from '../customer/customer-support.js';
import type { TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const day: [string, string][] = [['09:00', '18:00']];

describe('status page: the expected time in working time too', () => {
  const server = useTestServer({ clock: new ManualClock(new Date('2026-12-04T16:00:00Z')) });
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    // Friday 4 December 2026, 17:00 Berlin
    baton = server.baton;
    http = server.http;
    await baton.calendars.create({ id: 'office', name: 'Office', timeZone: 'Europe/Berlin', week: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [], exceptions: [] });
    // the dispatch task is due 4 h after it opens (camunda:dueDate), counted in its department's calendar
    await baton.definitions.deploy(FIELD_SERVICE.replace('camunda:candidateGroups="dispatch">', 'camunda:candidateGroups="dispatch" camunda:dueDate="PT4H">'));
  });

  it('says "in 4 h of working time" beside a due time on Monday when dispatch works office hours', async () => {
    await baton.calendars.setDepartmentCalendar('dispatch', 'office');
    const { token } = await newTicket(baton, http);
    const view = await statusOf(http, token);
    // 1 h on Friday until 18:00, 3 h on Monday from 09:00: Monday 12:00 Berlin
    expect(view.expectedBy).to.equal('2026-12-07T11:00:03.000Z');
    expect(view.expectedInWorkingTime).to.equal('4 h');
    const page = await http.anonymous.request('GET', `/status/${token}`);
    expect(page.text).to.contain('of working time)');
  });

  it('says only the time without a calendar (reverse)', async () => {
    const { token } = await newTicket(baton, http);
    const view = await statusOf(http, token);
    expect(view.expectedInWorkingTime).to.equal(null);
    expect(new Date(view.expectedBy!).getTime() - baton.clock.now().getTime()).to.equal(4 * 3_600_000);
  });
});
