import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import { StoreUnavailableError } from '../../server/errors.js';
import type { InstanceRunner } from '../../server/instances/instance-runner.js';
import { TimerBatches } from '../../server/timers/timer-batches.js';
import { bpmn, removeDir, silentLogger, type TestBaton } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../support/postgres.js';

/** start → L1 with an interrupting boundary timer (`sla`) → L2 → end. */
const ESCALATION = bpmn(
  'batched',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="l1" />
    <bpmn:userTask id="l1" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="e" /><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" /><bpmn:userTask id="l2" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="e" />`,
);

const LIFETIME = 30_000;
const RETRY = 10_000;
type Apply = InstanceRunner['apply'];

/**
 * The batch worker on a real Baton and store, its clock moved by the test: a batch with a failing
 * fire, and a node that dies mid-batch whose jobs another node fires once its locks expired.
 */
for (const kind of ['SQLite', 'PostgreSQL'] as const) {
  describe(`Timer batches (${kind})`, function () {
    this.timeout(60_000);
    const open: TestBaton[] = [];
    const schemas: string[] = [];
    const clock = new ManualClock();

    /** A node on the test's database: the first opens it, the others join it (same file or schema). */
    const node = async (): Promise<TestBaton> => {
      const first = open[0];
      let baton: TestBaton;
      if (kind === 'SQLite') {
        baton = (await startTestServer({ clock, ...(first ? { dir: first.dir } : {}) })).baton;
      } else {
        if (!first) schemas.push(freshSchema('batches'));
        baton = (await startTestServer({ clock, postgres: { url: await testDatabaseUrl(), schema: schemas.at(-1)! } })).baton;
      }
      open.push(baton);
      return baton;
    };

    const worker = (baton: TestBaton, apply: Apply = (id, action) => baton.runner.apply(id, action), owner = 'node') =>
      new TimerBatches(baton.store.timerJobs, { apply }, silentLogger, {
        lockLifetimeMs: LIFETIME,
        retryMs: RETRY,
        pollMs: 1000,
        batchSize: 10,
        concurrency: 1,
        owner,
        now: () => clock.now().getTime(),
      });

    /** `count` instances whose escalation is due (the clock moved past it); answers their ids. */
    const dueEscalations = async (baton: TestBaton, count: number): Promise<string[]> => {
      await baton.definitions.deploy(ESCALATION);
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) ids.push((await baton.instances.start({ processKey: 'batched', variables: {}, businessKey: null }, 'api')).instance.id);
      clock.advance(2 * 60_000);
      return ids;
    };

    const firings = async (baton: TestBaton, id: string): Promise<number> => (await baton.instances.auditTrail(id)).filter((event) => event.type === 'timer.fired').length;
    const openTasks = async (baton: TestBaton, id: string): Promise<string[]> => (await baton.tasks.list({ instanceId: id, status: 'open' })).map((task) => task.elementId);

    afterEach(async () => {
      for (const baton of open.splice(0).reverse()) {
        await baton.close();
        if (kind === 'SQLite') removeDir(baton.dir);
      }
      for (const schema of schemas.splice(0)) await dropSchema(schema);
    });

    it('fires the rest of a batch when one fire fails, and tries the failed one again after the retry time', async () => {
      // given three due escalations, the second of whose steps the store refuses
      const baton = await node();
      const ids = await dueEscalations(baton, 3);
      let refusing = true;
      const apply: Apply = (id, action) => {
        if (refusing && id === ids[1]) return Promise.reject(new StoreUnavailableError('the disk failed a write'));
        return baton.runner.apply(id, action);
      };
      const batches = worker(baton, apply);
      // when one batch runs
      expect(await batches.runBatch()).to.equal(3);
      // then the other two escalated, once each
      for (const id of [ids[0]!, ids[2]!]) {
        expect(await openTasks(baton, id)).to.deep.equal(['l2']);
        expect(await firings(baton, id)).to.equal(1);
      }
      // and the failed one is still pending, unlocked, and not claimed again before the retry time
      expect(await openTasks(baton, ids[1]!)).to.deep.equal(['l1']);
      const [pending] = await baton.store.timers.forInstance(ids[1]!);
      expect(pending).to.not.equal(undefined);
      expect(await batches.runBatch()).to.equal(0);
      expect(await baton.store.timerJobs.nextDueAt()).to.equal(clock.now().getTime() + RETRY);
      // when the retry time has come and the store works again
      refusing = false;
      clock.advance(RETRY);
      expect(await batches.runBatch()).to.equal(1);
      // then it escalates, once, and no timer job is left
      expect(await openTasks(baton, ids[1]!)).to.deep.equal(['l2']);
      expect(await firings(baton, ids[1]!)).to.equal(1);
      expect(await baton.store.timers.count()).to.equal(0);
    });

    it('leaves the jobs of a node killed mid-batch to another node once their locks expire, which fires each exactly once', async () => {
      // given six due escalations and node A, which dies at its third fire (its step never runs, nothing is released)
      const a = await node();
      const ids = await dueEscalations(a, 6);
      let applied = 0;
      const dies: Apply = (id, action) => {
        applied += 1;
        return applied === 3 ? new Promise(() => undefined) : a.runner.apply(id, action);
      };
      void worker(a, dies, 'node-a').runBatch();
      const deadline = Date.now() + 20_000;
      while (applied < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(applied).to.equal(3);
      expect(await firings(a, ids[0]!)).to.equal(1);
      // when node B looks before A's locks have expired, then it takes nothing
      const b = await node();
      const batches = worker(b, undefined, 'node-b');
      clock.advance(LIFETIME - 1000);
      expect(await batches.runBatch()).to.equal(0);
      // when it looks after they expired, then it takes the four A had not fired
      clock.advance(1000);
      expect(await batches.runBatch()).to.equal(4);
      // and every instance escalated, each timer fired exactly once, no job is left
      for (const id of ids) {
        expect(await openTasks(b, id), id).to.deep.equal(['l2']);
        expect(await firings(b, id), id).to.equal(1);
      }
      expect(await b.store.timers.count()).to.equal(0);
    });

    it('runs by itself once started: fires due timers in batches when woken, and stops cleanly', async () => {
      // given a started worker, two steps in flight, batches of two (it sleeps on real timers until the next look)
      const baton = await node();
      await baton.definitions.deploy(ESCALATION);
      const batches = new TimerBatches(baton.store.timerJobs, baton.runner, silentLogger, {
        lockLifetimeMs: LIFETIME,
        retryMs: RETRY,
        pollMs: 60_000,
        batchSize: 2,
        concurrency: 2,
        owner: 'node',
        now: () => clock.now().getTime(),
      });
      batches.start();
      try {
        // when five escalations fall due now (the store's clock moved past them), with no notification
        const ids: string[] = [];
        for (let i = 0; i < 5; i += 1) ids.push((await baton.instances.start({ processKey: 'batched', variables: {}, businessKey: null }, 'api')).instance.id);
        clock.advance(2 * 60_000);
        for (const timer of await Promise.all(ids.map((id) => baton.store.timers.forInstance(id)))) expect(timer).to.have.length(1);
        // and a look is asked for (what a notification of a due job does)
        batches.wakeBy(clock.now().getTime());
        // then all five fire, in batches of two
        const deadline = Date.now() + 20_000;
        while ((await baton.store.timers.count()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        for (const id of ids) expect(await firings(baton, id), id).to.equal(1);
      } finally {
        await batches.stop();
      }
    });
  });
}
