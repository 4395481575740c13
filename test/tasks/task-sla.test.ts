import { expect } from 'chai';

import { slaState } from '../../server/tasks/task-sla.js';

describe('slaState', () => {
  const task = { dueAt: '2026-01-01T20:00:00.000Z', warnAt: '2026-01-01T16:00:00.000Z', endedAt: null };
  const at = (time: string) => new Date(`2026-01-01T${time}:00.000Z`);

  it('is on time before the warning, at risk after it, breached at the deadline', () => {
    expect(slaState(task, at('10:00'))).to.equal('on-time');
    expect(slaState(task, at('16:00'))).to.equal('at-risk');
    expect(slaState(task, at('20:00'))).to.equal('breached');
  });

  it('judges a closed task by when it closed, not by now', () => {
    expect(slaState({ ...task, endedAt: '2026-01-01T12:00:00.000Z' }, at('23:00'))).to.equal('on-time');
  });

  it('has no state without an SLA, and a deadline alone goes from on time to breached', () => {
    expect(slaState({ dueAt: null, warnAt: null, endedAt: null }, at('10:00'))).to.equal(null);
    expect(slaState({ ...task, warnAt: null }, at('19:00'))).to.equal('on-time');
  });
});
