import { expect } from 'chai';

import { setWorkingCalendars, slaText } from '../../modeler/src/inbox/sla-words.js';
import { WorkingTime } from '../../server/calendars/business-time.js';
import { dueMoment, workingDuration } from '../../server/calendars/working-words.js';

const day: [string, string][] = [['09:00', '18:00']];
const office = new WorkingTime({ id: 'office', name: 'Office', timeZone: 'UTC', week: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [], exceptions: [] });

describe('SLA in working time, in words', () => {
  afterEach(() => setWorkingCalendars(() => null));

  it('says working time in hours and minutes, never in days', () => {
    expect(workingDuration(30_000)).to.equal('less than a minute');
    expect(workingDuration(40 * 60_000)).to.equal('40 min');
    expect(workingDuration(26.5 * 3_600_000)).to.equal('26 h 30 min');
  });

  it('says the moment on the clock: the weekday within the week, the date later', () => {
    const now = new Date('2026-12-04T17:00:00Z');
    expect(dueMoment(new Date('2026-12-07T10:00:00Z'), now, 'en', 'UTC')).to.equal('Mon 10:00');
    expect(dueMoment(new Date('2026-12-21T10:00:00Z'), now, 'en', 'UTC')).to.equal('Mon, Dec 21, 10:00');
  });

  it('a task of a department with a calendar: "due in 2 h working time (Mon 10:00)" over a weekend', () => {
    // given L1 works office hours and it is Friday 17:00
    setWorkingCalendars((department) => (department === 'l1' ? office : null));
    const now = new Date('2026-12-04T17:00:00Z');
    // then a task due Monday 10:00 has 2 working hours left, not 65 wall hours
    const text = slaText({ dueAt: '2026-12-07T10:00:00Z', warnAt: null, department: 'l1' }, now).text;
    expect(text).to.match(/^on time, due in 2 h working time \(Mon/);
    // and a task of a department without one keeps wall time (reverse)
    expect(slaText({ dueAt: '2026-12-07T10:00:00Z', warnAt: null, department: 'l2' }, now).text).to.equal('on time, due in 2 d 17 h');
  });
});
