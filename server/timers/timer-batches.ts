import type { Logger } from 'pino';

import { crashPoint } from '../crash-points.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import { TIMER_JOB, type ClaimedTimer, type TimerJobs, type TimerRelease } from './timer-jobs.js';

export interface TimerBatchesOptions {
  /** How long a claim holds its jobs before another node may take them over (a node killed mid-batch). */
  lockLifetimeMs: number;
  /** A timer still pending after its turn (its step failed or fired nothing) is tried again this much later. */
  retryMs: number;
  /** Longest wait between two looks for due jobs (jobs of other nodes, locks to take over). */
  pollMs: number;
  /** Jobs locked per claim. */
  batchSize: number;
  /** Steps of one batch in flight at once. */
  concurrency: number;
  /** Written on the locks (`last_modified_by`): which node holds them. */
  owner: string;
  /** The scheduler's clock (ms), like agenda's: the wall clock unless a test moves it. */
  now?: () => number;
}

/** How soon to look again for a job that was due but could not be claimed. */
const RECHECK_MS = 20;

/**
 * Fires due BPMN timers in batches: one statement locks up to `batchSize` due timer jobs, their
 * steps run (`runner.apply`, whose commit removes the job row in the step's own transaction), and
 * one statement unlocks whatever is left. agenda's per-job path wrote each job three times around
 * its step (lock, "running" state, final state) and kept per-job bookkeeping; here a burst costs
 * two statements per batch beside the steps (docs/architecture.md, *Timers*).
 *
 * The guarantees are agenda's: a claim's locks live `lockLifetimeMs` (renewed while a long batch
 * runs), a node killed mid-batch leaves its locks to expire and any node then claims the jobs, and
 * firing is idempotent (a timer no longer pending is a no-op), so at-least-once delivery fires each
 * timer once.
 */
export class TimerBatches {
  private running = false;
  /** Set by stop(): a batch in progress fires no further job. */
  private stopped = false;
  private pass: Promise<void> | null = null;
  private again = false;
  private wake: NodeJS.Timeout | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private unsubscribe: (() => void) | null = null;
  private readonly now: () => number;

  constructor(
    private readonly jobs: TimerJobs,
    private readonly runner: Pick<InstanceRunner, 'apply'>,
    private readonly logger: Logger,
    private readonly options: TimerBatchesOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Looks for due jobs now, then whenever one falls due (notifications, the next due time, the poll). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.unsubscribe = this.jobs.onNotified((job) => {
      if (job.name === TIMER_JOB) this.wakeBy(job.dueAt === null ? this.now() : job.dueAt.getTime());
    });
    this.kick();
  }

  /** Lets the step in progress finish, unlocks the rest of the batch, and looks for no more. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.clearWake();
    await this.pass;
  }

  /** Asks for a look at `at` (ms), or at once when it is due already. */
  wakeBy(at: number): void {
    if (!this.running) return;
    const delay = at - this.now();
    if (delay <= 0) {
      this.kick();
      return;
    }
    if (at >= this.wakeAt) return;
    this.clearWake();
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = null;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.kick();
    }, delay);
    // A pending look must not keep a process alive that is otherwise done.
    this.wake.unref();
  }

  /**
   * One batch: claims due jobs, fires them, releases what is left. Answers how many it claimed.
   * `start` runs it in a loop; tests call it directly with their own clock.
   */
  async runBatch(): Promise<number> {
    const heldAt = this.now();
    const claimed = await this.jobs.claimDue({
      now: heldAt,
      lockDeadline: heldAt - this.options.lockLifetimeMs,
      limit: this.options.batchSize,
      owner: this.options.owner,
    });
    if (claimed.length === 0) return 0;
    const batch = new Batch(this.jobs, claimed, heldAt, this.options.lockLifetimeMs, this.now);
    const releases: TimerRelease[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        // Stopping: the jobs not started are unlocked as they are, for any node to claim.
        const index = this.stopped ? claimed.length : next++;
        if (index >= claimed.length) return;
        const job = claimed[index];
        if (!job) return;
        if (!(await batch.holds(job.id))) continue;
        await this.fire(job);
        // Still there after its turn with the generation claimed: the step failed, or fired nothing
        // (not due by Baton's clock, the instance paused). Tried again on its due time, or later.
        releases.push({ id: job.id, generation: job.generation, retryAt: Math.max(job.dueMs, this.now() + this.options.retryMs) });
        // Steps on SQLite resolve without a macrotask turn: let requests and timers in between.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, claimed.length) }, lane));
    } finally {
      const started = new Set(releases.map((release) => release.id));
      for (const job of claimed) if (!started.has(job.id)) releases.push({ id: job.id, generation: job.generation, retryAt: null });
      await this.jobs.releaseClaims(releases, batch.heldAt);
    }
    return claimed.length;
  }

  private async fire(job: ClaimedTimer): Promise<void> {
    try {
      crashPoint('timer-fire');
      await this.runner.apply(job.instanceId, { kind: 'timer', timerId: job.id });
    } catch (err) {
      this.logger.warn({ err, timerId: job.id, instanceId: job.instanceId }, 'timer step failed; it will be tried again');
    }
  }

  private kick(): void {
    if (!this.running) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.drain().finally(() => {
      this.pass = null;
      if (this.again && this.running) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Batches until one comes back short, then sleeps until the next due job or the poll. */
  private async drain(): Promise<void> {
    try {
      let claimed: number;
      do {
        this.again = false;
        claimed = await this.runBatch();
        if (!this.running) return;
        // A full batch: more may be due.
      } while (claimed >= this.options.batchSize);
      const now = this.now();
      const nextDue = (await this.jobs.nextDueAt()) ?? Number.POSITIVE_INFINITY;
      // Due but not claimed (PostgreSQL skipped a row a step held locked that instant): look again shortly, not in a spin.
      const at = claimed === 0 && nextDue <= now ? now + RECHECK_MS : nextDue;
      this.wakeBy(Math.min(at, now + this.options.pollMs));
    } catch (err) {
      this.logger.error({ err }, 'timer batch failed; trying again at the next poll');
      this.wakeBy(this.now() + this.options.pollMs);
    }
  }

  private clearWake(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }
}

/** The locks of one claim: renewed in one statement once half their lifetime has passed. */
class Batch {
  private held: Set<string>;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly jobs: TimerJobs,
    claimed: readonly ClaimedTimer[],
    public heldAt: number,
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {
    this.held = new Set(claimed.map((job) => job.id));
  }

  /** Whether this claim still holds the job (renewing the locks first when they are half spent). */
  async holds(id: string): Promise<boolean> {
    if (this.now() - this.heldAt >= this.lifetimeMs / 2) {
      this.renewing ??= this.renew().finally(() => {
        this.renewing = null;
      });
      await this.renewing;
    }
    return this.held.has(id);
  }

  private async renew(): Promise<void> {
    const now = this.now();
    if (now - this.heldAt < this.lifetimeMs / 2) return;
    // Jobs already fired are gone; the rest keep their lock only if nobody took it over meanwhile.
    const still = await this.jobs.renewClaims([...this.held], this.heldAt, now);
    this.held = new Set(still);
    this.heldAt = now;
  }
}
