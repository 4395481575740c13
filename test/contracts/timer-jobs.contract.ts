import { Agenda, toJobId, type AgendaBackend, type Job } from 'agenda';
import { expect } from 'chai';

import type { Store } from '../../server/stores/store.js';
import { TIMER_JOB } from '../../server/timers/timer-jobs.js';
import { makeInstance, makeTimer, nextStep, startInstance } from './fixtures.js';
import { type CloseStore, type OpenSibling, type OpenStore, useFreshStore } from './harness.js';

/** The store's scheduler backend as agenda's (every adapter hands out one). */
function backendOf(store: Store): AgendaBackend {
  return store.timerJobs.backend as AgendaBackend;
}

/** Polls until `check` holds: agenda runs on real time. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

const past = (ms: number): string => new Date(Date.now() - ms).toISOString();

/**
 * TimerJobs: pending timers are scheduler jobs on the store's own database, written by the step
 * that made them; a scheduler (agenda) on any node runs each due one once; a stale pick is told apart.
 */
export function timerJobsContract(open: OpenStore, close: CloseStore, openSibling: OpenSibling): void {
  describe('TimerJobs contract', function () {
    this.timeout(30_000);
    const store = useFreshStore(open, close);
    const agendas: Agenda[] = [];
    const siblings: Store[] = [];

    afterEach(async () => {
      for (const agenda of agendas.splice(0)) await agenda.stop();
      for (const sibling of siblings.splice(0)) await sibling.close();
    });

    const scheduler = (on: Store, handler: (job: Job) => void | Promise<void>, lockLifetimeMs = 30_000): Agenda => {
      const agenda = new Agenda({ backend: backendOf(on), processEvery: 100, defaultLockLifetime: lockLifetimeMs, maxConcurrency: 20 });
      agenda.on('error', () => undefined);
      agenda.define(TIMER_JOB, handler, { concurrency: 10 });
      agendas.push(agenda);
      return agenda;
    };

    it('runs a timer committed by a step, once, as a job named after the timer', async () => {
      // given a step that committed a timer already due
      const instance = makeInstance();
      const timer = makeTimer(instance, { dueAt: past(1000) });
      await startInstance(store(), instance, { timers: [timer] });
      const runs: string[] = [];
      const agenda = scheduler(store(), (job) => {
        runs.push(String(job.attrs._id));
      });
      // when a scheduler runs on the store's backend
      await agenda.start();
      await store().timerJobs.notify([{ id: timer.id, name: TIMER_JOB, dueAt: new Date(timer.dueAt) }]);
      await eventually(() => runs.length > 0);
      // then the timer's job ran once and carried the timer's id
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(runs).to.deep.equal([timer.id]);
    });

    it('does not run a timer whose step was refused', async () => {
      // given a step with a due timer that loses its version check
      const instance = await startInstance(store(), makeInstance());
      await store().commitStep(nextStep(instance));
      const refused = nextStep(instance, { timers: [makeTimer(instance, { dueAt: past(1000) })] });
      await store().commitStep(refused).catch(() => undefined);
      // then no job exists for it
      expect(await store().timers.forInstance(instance.id)).to.deep.equal([]);
      expect((await backendOf(store()).repository.queryJobs({ name: TIMER_JOB })).total).to.equal(0);
    });

    it('tells a picked job is stale once a later step moved or removed its timer, and current while unchanged', async () => {
      // given a committed timer and its job as a scheduler would pick it
      const instance = makeInstance();
      const timer = makeTimer(instance, { dueAt: past(0) });
      await startInstance(store(), instance, { timers: [timer] });
      const picked = await backendOf(store()).repository.getJobById(timer.id);
      const generation = (picked as { generation?: string } | null)?.generation ?? null;
      const ref = { id: timer.id, generation };
      expect(generation).to.be.a('string');
      // when a step keeps it unchanged, then it is still current
      await store().commitStep(nextStep(instance, { timers: [timer] }));
      expect(await store().timerJobs.isCurrent(ref)).to.equal(true);
      // when a step moves it, then the old pick is stale
      const v2 = { ...instance, version: 2 };
      await store().commitStep(nextStep(v2, { timers: [{ ...timer, dueAt: past(-60_000) }] }));
      expect(await store().timerJobs.isCurrent(ref)).to.equal(false);
      // when a step removes it, then no pick of it is current
      const moved = await backendOf(store()).repository.getJobById(timer.id);
      const movedRef = { id: timer.id, generation: (moved as { generation?: string } | null)?.generation ?? null };
      expect(await store().timerJobs.isCurrent(movedRef)).to.equal(true);
      await store().commitStep(nextStep({ ...instance, version: 3 }, { timers: [] }));
      expect(await store().timerJobs.isCurrent(movedRef)).to.equal(false);
    });

    it('runs each due timer exactly once with two schedulers (two nodes) on one database', async () => {
      // given 30 due timers and a second node on the same database
      const timers = [];
      for (let i = 0; i < 30; i += 1) {
        const instance = makeInstance();
        const timer = makeTimer(instance, { dueAt: past(1000 + i) });
        timers.push(timer);
        await startInstance(store(), instance, { timers: [timer] });
      }
      const other = await openSibling(store());
      siblings.push(other);
      const runs = new Map<string, number>();
      const handler = async (job: Job) => {
        const id = String(job.attrs._id);
        runs.set(id, (runs.get(id) ?? 0) + 1);
        // Holds the job a moment, as a real step does, so both nodes are busy at once.
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
      // when both nodes run schedulers at once
      await Promise.all([scheduler(store(), handler).start(), scheduler(other, handler).start()]);
      await eventually(() => runs.size === timers.length);
      await new Promise((resolve) => setTimeout(resolve, 400));
      // then every timer ran, and none twice
      expect([...runs.values()].every((count) => count === 1), JSON.stringify([...runs])).to.equal(true);
      expect(runs.size).to.equal(timers.length);
    });

    it('hands a job held by a node that died to another node once its lock lifetime has passed', async () => {
      // given a due timer locked 40 s ago by a node that then died (it never finishes or unlocks)
      const instance = makeInstance();
      const timer = makeTimer(instance, { dueAt: past(60_000) });
      await startInstance(store(), instance, { timers: [timer] });
      const locked = await backendOf(store()).repository.getNextJobToRun(TIMER_JOB, new Date(), new Date(0), new Date(Date.now() - 40_000), { lastModifiedBy: 'dead-node' });
      expect(String(locked?._id)).to.equal(timer.id);
      // and a node whose lock lifetime is 60 s does not take it yet
      const other = await openSibling(store());
      siblings.push(other);
      const runs: string[] = [];
      const patient = scheduler(other, (job) => {
        runs.push(`patient:${String(job.attrs._id)}`);
      }, 60_000);
      await patient.start();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(runs).to.deep.equal([]);
      await patient.stop();
      agendas.splice(agendas.indexOf(patient), 1);
      // when a node with the default 30 s lifetime looks
      const taker = scheduler(other, (job) => {
        runs.push(`taker:${String(job.attrs._id)}`);
      });
      await taker.start();
      await eventually(() => runs.length > 0);
      // then it runs the job
      expect(runs).to.deep.equal([`taker:${timer.id}`]);
      expect(toJobId(timer.id)).to.equal(timer.id);
    });
  });
}
