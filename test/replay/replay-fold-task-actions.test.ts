import { expect } from 'chai';

import { foldAudit, type FoldEvent } from '../../server/replay/replay-fold.js';

/** The task actions (tasks/task-actions.ts) record no `owner` field: the fold derives the owner from each action. */
describe('Replay fold: owners from task actions', () => {
  const at = (minute: number) => `2026-03-02T08:${String(minute).padStart(2, '0')}:00.000Z`;
  const event = (seq: number, type: string, actor: string, data: Record<string, unknown>): FoldEvent => ({ seq, type, at: at(seq), actor, elementId: 'Task_L1', data: { taskId: 't1', ...data } });
  const trail: FoldEvent[] = [
    event(1, 'task.created', 'system', { department: 'l1', assignee: null, candidateGroups: ['l1'] }),
    event(2, 'task.claimed', 'lena', { version: 2 }),
    event(3, 'task.released', 'lena', { version: 3, from: 'lena' }),
    event(4, 'task.handed-over', 'admin', { version: 4, from: { department: 'l1', assignee: null }, to: { department: 'l1', assignee: 'otto' }, reason: 'knows the customer' }),
    event(5, 'task.commented', 'otto', { version: 4, comment: 'on it' }),
    event(6, 'task.passed-up', 'otto', { version: 5, from: { department: 'l1', assignee: 'otto' }, to: { department: 'l2' }, reason: 'needs L2' }),
  ];
  const ownerAt = (step: number) => foldAudit(trail, step).tasks[0]?.owner;

  it('claim → the claimer; release → nobody; hand-over → the named person; comment → unchanged; pass-up → nobody', () => {
    expect([1, 2, 3, 4, 5, 6].map(ownerAt)).to.deep.equal([null, 'lena', null, 'otto', 'otto', null]);
  });
});
