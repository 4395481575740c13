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
      await store()
        .commitStep(refused)
        .catch(() => undefined);
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
      expect(
        [...runs.values()].every((count) => count === 1),
        JSON.stringify([...runs]),
      ).to.equal(true);
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
      const patient = scheduler(
        other,
        (job) => {
          runs.push(`patient:${String(job.attrs._id)}`);
        },
        60_000,
      );
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

    describe('claims in batches (timers/timer-batches.ts)', () => {
      const LIFETIME = 30_000;
      /** `count` instances each with one timer due `agoMs` + i ms ago; answers the timers, earliest first. */
      const dueTimers = async (on: Store, count: number, agoMs = 1000): Promise<ReturnType<typeof makeTimer>[]> => {
        const timers = [];
        for (let i = 0; i < count; i += 1) {
          const instance = makeInstance();
          const timer = makeTimer(instance, { dueAt: past(agoMs + count - i) });
          timers.push(timer);
          await startInstance(on, instance, { timers: [timer] });
        }
        return timers;
      };
      const claim = (on: Store, now: number, limit = 10, owner = 'node-a') => on.timerJobs.claimDue({ now, lockDeadline: now - LIFETIME, limit, owner });
      const lockOf = async (id: string): Promise<unknown> => (await backendOf(store()).repository.getJobById(id))?.lockedAt ?? null;

      it('claims due timers earliest first, up to the limit, and never a claimed or future one', async () => {
        // given five due timers and one due in an hour
        const timers = await dueTimers(store(), 5);
        const later = makeInstance();
        await startInstance(store(), later, { timers: [makeTimer(later, { dueAt: past(-3_600_000) })] });
        // when a node claims three, then three more
        const now = Date.now();
        const first = await claim(store(), now, 3);
        const second = await claim(store(), now, 3);
        // then the first claim has the three earliest, with their instance, generation and due time, locked at its stamp
        expect(first.map((job) => job.id)).to.deep.equal(timers.slice(0, 3).map((timer) => timer.id));
        expect(first[0]).to.deep.include({ instanceId: timers[0]!.instanceId, dueMs: Date.parse(timers[0]!.dueAt) });
        expect(first[0]!.generation).to.be.a('string');
        expect(await lockOf(first[0]!.id)).to.deep.equal(new Date(now));
        // and the second only the two left: the future one stays
        expect(second.map((job) => job.id)).to.deep.equal(timers.slice(3).map((timer) => timer.id));
        expect(await claim(store(), now, 3)).to.deep.equal([]);
        // and the next due time is the future one's
        expect(await store().timerJobs.nextDueAt()).to.be.greaterThan(now + 3_000_000);
      });

      it('splits the due timers between two nodes claiming at once, none twice', async () => {
        // given 40 due timers and a second node on the same database
        const timers = await dueTimers(store(), 40);
        const other = await openSibling(store());
        siblings.push(other);
        // when both nodes claim batches of 7 at the same time until nothing is left
        const claimedBy = async (on: Store, owner: string): Promise<string[]> => {
          const ids: string[] = [];
          for (;;) {
            const batch = await claim(on, Date.now(), 7, owner);
            if (batch.length === 0) return ids;
            ids.push(...batch.map((job) => job.id));
          }
        };
        const [a, b] = await Promise.all([claimedBy(store(), 'node-a'), claimedBy(other, 'node-b')]);
        // then every timer was claimed by exactly one of them
        expect([...a, ...b].sort()).to.deep.equal(timers.map((timer) => timer.id).sort());
      });

      it("takes over a dead node's claim only once its lock lifetime has passed", async () => {
        // given three timers due a minute ago, claimed 20 s ago by a node that then died
        const timers = await dueTimers(store(), 3, 60_000);
        const claimedAt = Date.now() - 20_000;
        expect(await claim(store(), claimedAt, 10, 'dead-node')).to.have.length(3);
        // when another node claims before the lifetime has passed, then it gets nothing
        const other = await openSibling(store());
        siblings.push(other);
        expect(await claim(other, claimedAt + LIFETIME - 1, 10, 'node-b')).to.deep.equal([]);
        // when it claims after, then it gets all three, with a fresh stamp
        const takenAt = claimedAt + LIFETIME;
        const taken = await claim(other, takenAt, 10, 'node-b');
        expect(taken.map((job) => job.id)).to.deep.equal(timers.map((timer) => timer.id));
        expect(await lockOf(timers[0]!.id)).to.deep.equal(new Date(takenAt));
        // and the dead node's stamp no longer holds them: renewing or releasing with it changes nothing
        expect(
          await store().timerJobs.renewClaims(
            timers.map((timer) => timer.id),
            claimedAt,
            takenAt + 1,
          ),
        ).to.deep.equal([]);
        await store().timerJobs.releaseClaims(
          taken.map((job) => ({ id: job.id, generation: job.generation, retryAt: null })),
          claimedAt,
        );
        expect(await lockOf(timers[0]!.id)).to.deep.equal(new Date(takenAt));
      });

      it('releases a batch in one go: a failed timer goes back for a retry, a rewritten one keeps its new schedule, a fired one is gone', async () => {
        // given three due timers claimed by one node
        const timers = await dueTimers(store(), 3);
        const now = Date.now();
        const claimed = await claim(store(), now, 10);
        const [failed, rewritten, fired] = claimed;
        // and, while claimed, a step moved the second timer to tomorrow and another fired (removed) the third
        const moved = { ...timers[1]!, dueAt: past(-86_400_000) };
        await store().commitStep(nextStep(makeInstance({ id: timers[1]!.instanceId }), { timers: [moved] }));
        await store().commitStep(nextStep(makeInstance({ id: timers[2]!.instanceId }), { timers: [] }));
        // when the node releases all three, the first to be retried in a minute
        const retryAt = now + 60_000;
        await store().timerJobs.releaseClaims(
          [failed!, rewritten!, fired!].map((job) => ({ id: job.id, generation: job.generation, retryAt })),
          now,
        );
        // then none is locked, the failed one runs again in a minute, the moved one tomorrow, the fired one is gone
        const repository = backendOf(store()).repository;
        const first = await repository.getJobById(failed!.id);
        expect(first).to.deep.include({ nextRunAt: new Date(retryAt) });
        expect(first?.lockedAt ?? null).to.equal(null);
        const second = await repository.getJobById(rewritten!.id);
        expect(second).to.deep.include({ nextRunAt: new Date(Date.parse(moved.dueAt)) });
        expect(second?.lockedAt ?? null).to.equal(null);
        expect(await repository.getJobById(fired!.id)).to.equal(null);
        // and a release without a retry time leaves a job's next run as it was
        const again = await claim(store(), retryAt, 10);
        expect(again.map((job) => job.id)).to.deep.equal([failed!.id]);
        await store().timerJobs.releaseClaims([{ id: failed!.id, generation: failed!.generation, retryAt: null }], retryAt);
        expect(await repository.getJobById(failed!.id)).to.deep.include({ nextRunAt: new Date(retryAt) });
      });

      it('renews the locks still held by a claim, and answers which', async () => {
        // given two claimed timers, one of which a step fired meanwhile
        const timers = await dueTimers(store(), 2);
        const now = Date.now();
        await claim(store(), now, 10);
        await store().commitStep(nextStep(makeInstance({ id: timers[0]!.instanceId }), { timers: [] }));
        // when the claim renews its locks
        const still = await store().timerJobs.renewClaims(
          timers.map((timer) => timer.id),
          now,
          now + 15_000,
        );
        // then only the other is still held, now stamped with the renewal
        expect(still).to.deep.equal([timers[1]!.id]);
        expect(await lockOf(timers[1]!.id)).to.deep.equal(new Date(now + 15_000));
      });
    });
  });
}
