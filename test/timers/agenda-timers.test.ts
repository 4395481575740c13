import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { createBaton, type Baton } from '../../server/baton.js';
import { seedDepartments } from '../../server/departments/seed-departments.js';
import { openSqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { bpmn, removeDir, silentLogger } from '../support/harness.js';

const QUICK = bpmn(
  'quick',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\${sla}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="e" /><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="e" />`,
);

/** Polls until `check` holds or the deadline passes: agenda runs on real time here. */
async function eventually(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

/**
 * agenda on the SQLite backend running Baton's timers for real: the job is written in the step's
 * transaction, agenda runs it, the step fires the timer once; across a restart too.
 */
describe('Timers on agenda', () => {
  let dir: string;
  let baton: Baton | null = null;

  async function start(): Promise<Baton> {
    const store = openSqliteStore(path.join(dir, 'baton.db'));
    await seedDepartments(store.departments);
    const created = createBaton({
      store,
      logger: silentLogger,
      config: { timerPollMs: 60_000, webhook: { timeoutMs: 1000, attempts: 1, backoffMs: 10 } },
      agenda: { processEveryMs: 100, lockLifetimeMs: 5000, retryMs: 200 },
      version: 'test',
    });
    await created.agendaTimers!.start();
    return created;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baton-agenda-'));
  });

  afterEach(async () => {
    await baton?.shutdown();
    baton = null;
    removeDir(dir);
  });

  async function openElements(b: Baton, instanceId: string): Promise<string[]> {
    return (await b.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId);
  }

  it('escalates when agenda runs the timer job, exactly once', async () => {
    // given an instance whose escalation is due in 300 ms
    baton = await start();
    await baton.definitions.deploy(QUICK);
    const { instance } = await baton.instances.start({ processKey: 'quick', variables: { sla: 'PT0.3S' }, businessKey: null }, 'api');
    const b = baton;
    expect(await openElements(b, instance.id)).to.deep.equal(['l1']);
    // when agenda runs it
    await eventually(async () => (await openElements(b, instance.id)).includes('l2'));
    // then the L2 task is open, the timer fired once and no job is left
    const trail = await b.instances.auditTrail(instance.id);
    const fired = trail.filter((event) => event.type === 'timer.fired');
    expect(fired).to.have.length(1);
    expect(await b.store.timers.forInstance(instance.id)).to.deep.equal([]);
    // and the firing went through Baton's bookkeeping, not only the engine's own Date
    expect(fired[0]!.data['scheduledAt']).to.be.a('string');
    expect((await b.timers.metricsSnapshot()).fired).to.equal(1);
    const l2 = (await b.tasks.list({ instanceId: instance.id, status: 'open' }))[0]!;
    expect(l2.escalatedFrom).to.deep.include({ elementId: 'l1' });
  });

  it('fires a timer that fell due while Baton was stopped, on start-up', async () => {
    // given an instance whose escalation is due in 300 ms, and Baton stopped at once
    baton = await start();
    await baton.definitions.deploy(QUICK);
    const { instance } = await baton.instances.start({ processKey: 'quick', variables: { sla: 'PT0.3S' }, businessKey: null }, 'api');
    await baton.shutdown();
    baton = null;
    await new Promise((resolve) => setTimeout(resolve, 400));
    // when Baton starts again
    baton = await start();
    const b = baton;
    // then the overdue timer fires
    await eventually(async () => (await openElements(b, instance.id)).includes('l2'));
    const fired = (await b.instances.auditTrail(instance.id)).filter((event) => event.type === 'timer.fired');
    expect(fired).to.have.length(1);
    // and late by the outage, which its record shows
    expect(Date.parse(String(fired[0]!.data['firedAt'])) - Date.parse(String(fired[0]!.data['scheduledAt']))).to.be.at.least(100);
  });

  it('never drops a timer whose job ran before it was due: the job is put back on its due time', async () => {
    // given an instance with a 1 h escalation whose job agenda is told to run now
    baton = await start();
    await baton.definitions.deploy(QUICK);
    const { instance } = await baton.instances.start({ processKey: 'quick', variables: { sla: 'PT1H' }, businessKey: null }, 'api');
    const [timer] = await baton.store.timers.forInstance(instance.id);
    const db = (baton.store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): unknown; get(...args: unknown[]): unknown } } }).db;
    db.prepare('UPDATE agenda_jobs SET next_run_at = ? WHERE id = ?').run(Date.now(), timer!.id);
    await baton.store.timerJobs.notify([{ id: timer!.id, name: 'baton.timer', dueAt: new Date() }]);
    // when the scheduler has run it (it claimed the job, the step fired nothing, it unlocked the job)
    const b = baton;
    await eventually(async () => {
      const row = db.prepare('SELECT next_run_at AS next, locked_at AS locked FROM agenda_jobs WHERE id = ?').get(timer!.id) as { next: number; locked: number | null };
      return row.locked === null && row.next === Date.parse(timer!.dueAt);
    });
    // then nothing escalated and the job waits for the timer's real due time again
    expect(await openElements(b, instance.id)).to.deep.equal(['l1']);
    expect((await b.instances.auditTrail(instance.id)).filter((event) => event.type === 'timer.fired')).to.deep.equal([]);
  });

  it('starts a scheduled process through its agenda job, as often as its cycle says', async () => {
    // given a process that starts itself twice, 300 ms apart
    baton = await start();
    await baton.definitions.deploy(
      bpmn(
        'ticker',
        `<bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT0.3S</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="t" /><bpmn:userTask id="t" camunda:candidateGroups="l1" />
        <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
    );
    const b = baton;
    // then agenda starts two instances and the schedule ends
    await eventually(async () => (await b.instances.list({ processKey: 'ticker' })).length === 2);
    await eventually(async () => (await b.store.schedules.forProcess('ticker')).length === 0);
    expect(await b.tasks.list({ processKey: 'ticker', status: 'open' })).to.have.length(2);
  });

  it('leaves the job alone when the task finishes first, and removes it', async () => {
    baton = await start();
    await baton.definitions.deploy(QUICK);
    const { instance, opened } = await baton.instances.start({ processKey: 'quick', variables: { sla: 'PT1H' }, businessKey: null }, 'api');
    expect(await baton.store.timers.forInstance(instance.id)).to.have.length(1);
    await baton.tasks.complete(opened[0]!.id, {}, 'alice');
    expect(await baton.store.timers.forInstance(instance.id)).to.deep.equal([]);
    const jobs = await baton.agendaTimers!.agenda.queryJobs({ name: 'baton.timer' });
    expect(jobs.total).to.equal(0);
  });
});
