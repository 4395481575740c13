import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { verificationBadge } from '../../modeler/src/replay/badge.js';
import { eventDetails, formatDuration } from '../../modeler/src/replay/format.js';
import { Player } from '../../modeler/src/replay/player.js';
import { diagramMarks, stepAtTime } from '../../modeler/src/replay/step-view.js';
import type { ReplayEvent } from '../../server/contracts/replay.js';
import { translator } from '../../server/i18n/i18n.js';
import { foldAudit, type FoldEvent } from '../../server/replay/replay-fold.js';

const t = translator('en');
const golden = JSON.parse(readFileSync('test/fixtures/audit/helpdesk-escalated-to-l3.json', 'utf8')) as { events: ReplayEvent[] };
const events = golden.events;
const seqOf = (type: string, elementId?: string) => events.find((event) => event.type === type && (elementId === undefined || event.elementId === elementId))!.seq;

describe('Replay page: what a step shows (pure parts, Node)', () => {
  it('marks the token on L2 at the escalation, with its queue, and L1 with its timers one step before the escalation timer fired', () => {
    const escalated = seqOf('task.escalated');
    const atEscalation = diagramMarks(foldAudit(events, escalated), events[escalated - 1], t);
    expect([...atEscalation.tokens]).to.deep.equal([['Task_L2', 1]]);
    expect(atEscalation.listening).to.have.members(['Timer_L2_escalate', 'Timer_L2_warn']);
    expect(atEscalation.timers).to.have.members(['Timer_L2_escalate', 'Timer_L2_warn']);
    expect(atEscalation.current).to.equal('Task_L2');
    expect(atEscalation.completed).to.include.members(['Task_first_line', 'Timer_L1_warn']);

    const fired = seqOf('timer.fired', 'Timer_L1_escalate');
    const beforeFiring = diagramMarks(foldAudit(events, fired - 1), events[fired - 2], t);
    expect([...beforeFiring.tokens.keys()]).to.deep.equal(['Task_L1']);
    expect(beforeFiring.timers).to.deep.equal(['Timer_L1_escalate']);
    expect(beforeFiring.tasks.find((task) => task.elementId === 'Task_L1')).to.deep.equal({ elementId: 'Task_L1', label: 'queue l1', kind: 'queue' });
  });

  it('labels a completed task with who did it, and a claimed one with its owner', () => {
    const done = diagramMarks(foldAudit(events), undefined, t);
    expect(done.tokens.size).to.equal(0);
    expect(done.tasks.find((task) => task.elementId === 'Task_L2')).to.deep.equal({ elementId: 'Task_L2', label: 'leo', kind: 'completed' });

    const claimed: FoldEvent[] = [
      ...events.slice(0, seqOf('task.created', 'Task_L2')),
      { seq: 999, type: 'task.claimed', at: '2026-03-03T05:00:00.000Z', actor: 'lena', elementId: 'Task_L2', data: { taskId: 'Task_L2_a9ae675675', version: 2 } },
    ];
    const marks = diagramMarks(foldAudit(claimed), undefined, t);
    expect(marks.tasks.find((task) => task.elementId === 'Task_L2')).to.deep.equal({ elementId: 'Task_L2', label: 'lena', kind: 'owner' });
  });

  it('finds the step of a moment: events up to and including it', () => {
    expect(stepAtTime(events, Date.parse('2026-03-01T00:00:00Z'))).to.equal(0);
    expect(stepAtTime(events, Date.parse(events[0]!.at))).to.equal(events.filter((event) => event.at === events[0]!.at).length);
    expect(stepAtTime(events, Date.parse('2100-01-01T00:00:00Z'))).to.equal(events.length);
  });

  it('words durations and event details for people', () => {
    expect([0, 45_000, 12 * 60_000, 200 * 60_000, 52 * 3600_000, 48 * 3600_000].map((ms) => formatDuration(ms, t))).to.deep.equal(['0 s', '45 s', '12 min', '3 h 20 min', '2 d 4 h', '2 d']);
    expect(eventDetails({ type: 'flow.taken', data: { sourceId: 'A', targetId: 'B' } }, t)).to.equal('A → B');
    expect(eventDetails({ type: 'variables.changed', data: { set: { resolved: false }, removed: ['x'] } }, t)).to.equal('resolved = false, x removed');
    expect(eventDetails({ type: 'task.completed', data: { taskId: 't', output: { resolved: true } } }, t)).to.equal('output: {"resolved":true}');
    expect(eventDetails({ type: 'x', data: { a: 'y'.repeat(40), b: 'y'.repeat(40), c: 'y'.repeat(40), d: 'y'.repeat(40) } }, t)).to.have.length(140);
  });

  it('words the verification: Verified, or Altered with the reason and the event', () => {
    expect(verificationBadge({ valid: true, events: 12, firstInvalid: null, checkpoint: null }, t)).to.include({ state: 'verified', text: 'Verified' });
    const altered = verificationBadge({ valid: false, events: 12, firstInvalid: { seq: 3, kind: 'hash-mismatch', reason: 'event 3 was changed' }, checkpoint: null }, t);
    expect(altered).to.include({ state: 'altered', text: 'Altered: event 3 was changed at event 3' });
    // and in Russian
    expect(verificationBadge({ valid: true, events: 12, firstInvalid: null, checkpoint: null }, translator('ru')).text).to.equal('Проверено');
    expect(formatDuration(200 * 60_000, translator('ru'))).to.equal('3 ч 20 мин');
  });

  it('steps within bounds and plays to the end, then stops', async () => {
    const shown: number[] = [];
    const player = new Player(
      3,
      (step) => shown.push(step),
      () => undefined,
      5,
    );
    player.back();
    player.go(10);
    player.play(); // at the end: starts over from 0
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(player.playing).to.equal(false);
    expect(shown).to.deep.equal([0, 3, 0, 1, 2, 3]);
  });
});
