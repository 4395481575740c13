import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import type { ReplayState } from '../../server/contracts/replay.js';
import { foldAudit, type FoldEvent } from '../../server/replay/replay-fold.js';

interface Golden {
  description: string;
  events: FoldEvent[];
  expect: { step: number; state: Record<string, unknown> }[];
}

const dir = path.resolve('test/fixtures/audit');

/** A ReplayState field, or `activeElements` (see the fixtures' README). */
function view(state: ReplayState, key: string): unknown {
  if (key === 'activeElements') return state.active.map((token) => token.elementId);
  return (state as unknown as Record<string, unknown>)[key];
}

describe('Replay fold against golden histories', () => {
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const golden = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Golden;
    describe(file, () => {
      for (const { step, state: expected } of golden.expect) {
        it(`step ${step}`, () => {
          const state = foldAudit(golden.events, step);
          expect(state.step).to.equal(step);
          for (const [key, value] of Object.entries(expected)) {
            if (key === 'taskOwners' || key === 'taskStatuses') {
              for (const [elementId, wanted] of Object.entries(value as Record<string, unknown>)) {
                const task = state.tasks.filter((candidate) => candidate.elementId === elementId).at(-1);
                expect(task, `task of ${elementId}`).to.not.equal(undefined);
                expect(key === 'taskOwners' ? task?.owner : task?.status, `${key} ${elementId}`).to.deep.equal(wanted);
              }
            } else if (key === 'timeSpentOf') {
              for (const [elementId, ms] of Object.entries(value as Record<string, number>)) expect(state.timeSpent[elementId], `time spent in ${elementId}`).to.equal(ms);
            } else {
              expect(view(state, key), key).to.deep.equal(value);
            }
          }
        });
      }
    });
  }
});

describe('foldAudit', () => {
  const events: FoldEvent[] = [
    { seq: 1, type: 'instance.started', at: '2026-03-02T08:00:00.000Z', actor: 'api', elementId: null, data: {} },
    { seq: 2, type: 'variables.changed', at: '2026-03-02T08:00:00.000Z', actor: 'api', elementId: null, data: { set: { a: 1, b: { x: 1 } }, removed: [] } },
    { seq: 3, type: 'activity.entered', at: '2026-03-02T08:00:00.000Z', actor: 'api', elementId: 't', data: { executionId: 't_1', type: 'bpmn:UserTask' } },
    { seq: 4, type: 'variables.changed', at: '2026-03-02T09:00:00.000Z', actor: 'ada', elementId: null, data: { set: { b: { x: 2 } }, removed: ['a'] } },
    { seq: 5, type: 'something.new', at: '2026-03-02T09:30:00.000Z', actor: 'ada', elementId: null, data: { whatever: true } },
  ];

  it('gives the state right after event n, with the diff made by event n', () => {
    const state = foldAudit(events, 4);
    expect(state.variables).to.deep.equal({ b: { x: 2 } });
    expect(state.variablesDiff).to.deep.equal([
      { name: 'b', kind: 'changed', from: { x: 1 }, to: { x: 2 } },
      { name: 'a', kind: 'removed', from: 1 },
    ]);
    // a running activity's time counts up to the step's time
    expect(state.timeSpent).to.deep.equal({ t: 3_600_000 });
  });

  it('steps over unknown event types and clamps the step to the trail', () => {
    expect(foldAudit(events).step).to.equal(5);
    expect(foldAudit(events).timeSpent).to.deep.equal({ t: 5_400_000 });
    expect(foldAudit(events, 99).step).to.equal(5);
    expect(foldAudit(events, -3)).to.include({ step: 0, status: 'not-started' });
  });

  it('is pure: the events are not changed and the same input gives the same state', () => {
    const copy = structuredClone(events);
    const first = foldAudit(events, 4);
    first.variables['b'] = 'mutated';
    expect(foldAudit(events, 4).variables).to.deep.equal({ b: { x: 2 } });
    expect(events).to.deep.equal(copy);
  });
});
