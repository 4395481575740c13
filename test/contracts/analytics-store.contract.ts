import { expect } from 'chai';

import type { AnalyticsStore } from '../../server/analytics/analytics.store.js';
import type { AuditEvent } from '../../server/audit/audit-event.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import type { Store } from '../../server/stores/store.js';
import { isoAt, makeAuditEvent, makeInstance, newInstanceStep, nextStep } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

/** One ticket's life as the runner logs it: started, a task created, claimed by `who`, completed, ended. */
async function ticket(store: Store, who: string, startMinute: number): Promise<InstanceRecord> {
  const instance = makeInstance({ startedAt: isoAt(startMinute) });
  const taskId = `${instance.id}-task`;
  const event = (seq: number, type: string, minute: number, actor: string, data: Record<string, unknown> = {}): AuditEvent =>
    makeAuditEvent(instance, seq, { type, at: isoAt(startMinute + minute), actor, elementId: type.startsWith('task.') ? 'triage' : null, data });
  await store.commitStep(
    newInstanceStep(instance, {
      audit: [event(1, 'instance.started', 0, 'api', { processKey: 'helpdesk', version: 1 }), event(2, 'task.created', 0, 'system', { taskId, department: 'first-line', assignee: null, dueAt: null })],
    }),
  );
  const claimed = nextStep(instance, { audit: [event(3, 'task.claimed', 5, who, { taskId })] });
  await store.commitStep(claimed);
  const done = nextStep(claimed.instance, { audit: [event(4, 'task.completed', 20, who, { taskId, output: {} }), event(5, 'instance.completed', 20, 'system')] });
  await store.commitStep(done);
  return done.instance;
}

export function analyticsStoreContract(open: OpenStore, close: CloseStore): void {
  describe('AnalyticsStore contract', () => {
    const store = useFreshStore(open, close);
    const analytics = (): AnalyticsStore => {
      const port = store().analytics;
      if (!port) throw new Error('this store has no analytics port');
      return port;
    };
    const foldAll = async (batch: number): Promise<number> => {
      let total = 0;
      for (let n = await analytics().foldNext(batch); n > 0; n = await analytics().foldNext(batch)) total += n;
      return total;
    };
    const range = { from: isoAt(0), to: isoAt(24 * 60) };

    it('folds the log after its cursor once: batches of any size give the same projection, caught up folds nothing', async () => {
      // given two tickets in the log
      await ticket(store(), 'ada', 0);
      await ticket(store(), 'bob', 60);
      // when they are folded one event per transaction
      expect(await foldAll(1)).to.equal(10);
      const oneByOne = await analytics().dump();
      // then nothing is left behind, and folding again folds nothing
      expect(await analytics().cursor()).to.deep.include({ valid: true, behind: 0 });
      expect(await analytics().foldNext(100)).to.equal(0);
      // and a reset and fold in one batch gives the same rows
      await analytics().reset();
      expect((await analytics().cursor()).position).to.equal(0);
      expect(await foldAll(1000)).to.equal(10);
      expect(await analytics().dump()).to.deep.equal(oneByOne);
    });

    it('folds events committed after the cursor moved, and only those', async () => {
      await ticket(store(), 'ada', 0);
      await foldAll(3);
      await ticket(store(), 'bob', 60);
      expect((await analytics().cursor()).behind).to.equal(5);
      expect(await foldAll(3)).to.equal(5);
      const facts = await analytics().monthlyFacts(range);
      const resolved = facts.actions.filter((a) => a.kind === 'resolved').map((a) => a.username);
      expect(resolved).to.deep.equal(['ada', 'bob']);
      const completed = facts.actions.filter((a) => a.kind === 'completed').map((a) => a.durationMs);
      expect(completed).to.deep.equal([15 * 60_000, 15 * 60_000]);
    });

    it("reads a process's tasks and instances in a range", async () => {
      await ticket(store(), 'ada', 0);
      await ticket(store(), 'bob', 3 * 24 * 60);
      await foldAll(100);
      const facts = await analytics().processFacts('helpdesk', range);
      expect(facts.tasks.map((t) => [t.elementId, t.queueMs, t.workMs, t.completedBy])).to.deep.equal([['triage', 5 * 60_000, 15 * 60_000, 'ada']]);
      expect(facts.instances.map((i) => [i.status, i.userTasks, i.resolver])).to.deep.equal([['completed', 1, 'ada']]);
      expect((await analytics().processFacts('other', range)).tasks).to.deep.equal([]);
      const lean = await analytics().activityFacts('helpdesk', range);
      expect(lean.tasks.map((t) => [t.elementId, t.queueMs, t.workMs, t.customer, t.escalated])).to.deep.equal([['triage', 5 * 60_000, 15 * 60_000, false, false]]);
      expect((await analytics().activityFacts('helpdesk', range, 2)).tasks).to.deep.equal([]);
    });
  });
}
