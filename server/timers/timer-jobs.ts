/** agenda job name of a pending BPMN timer; the job id is the timer id. */
export const TIMER_JOB = 'baton.timer';

/**
 * The scheduler's storage backend, opaque to the store port: each adapter hands out an agenda
 * backend on its own database (so timer jobs are written in the step's transaction), and only the
 * agenda adapter (agenda-timers.ts) looks inside. The port itself names no agenda type.
 */
export interface SchedulerBackend {
  /** 'SQLite', 'PostgreSQL': for logs and dashboards. */
  readonly name: string;
}

/** A job as the scheduler handed it to a handler: its id and the generation of the row it read. */
export interface JobRef {
  id: string;
  /** The row's generation when the scheduler picked the job (null: not known, any row is current). */
  generation: string | null;
}

/** A due BPMN timer job a node has locked to fire (timers/timer-batches.ts). */
export interface ClaimedTimer {
  /** The job id, which is the timer id. */
  id: string;
  instanceId: string;
  /** The row's generation when claimed: a step that rewrites the row gives it a new one. */
  generation: string;
  /** When the timer is due (ms), as its step saved it. */
  dueMs: number;
}

/** How a node claims a batch of due timer jobs. */
export interface TimerClaim {
  /** Now (ms): jobs due by then are claimed, and their lock is stamped with it. */
  now: number;
  /** A lock stamped at or before this (ms) belongs to a node that died or overran: it is taken over. */
  lockDeadline: number;
  limit: number;
  /** Who holds the locks (logs and dashboards only: the stamp is what identifies a claim). */
  owner: string;
}

/** What to do with a claimed job that is still there after its turn. */
export interface TimerRelease {
  id: string;
  generation: string;
  /** Next run (ms) when the row is still the one claimed (its step failed or fired nothing); null: keep it. */
  retryAt: number | null;
}

/**
 * The store's side of the scheduler: its backend on the store's own database, plus what Baton
 * needs beyond it: notifications, and claiming due timer jobs in batches.
 */
export interface TimerJobs {
  readonly backend: SchedulerBackend;
  /** After a commit: let the nodes' schedulers see jobs written in the transaction without waiting for their poll. */
  notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void>;
  /**
   * Calls `handler` for every notification any node publishes (this one's included) while the
   * backend's channel is connected; answers the unsubscribe. Only a shortcut: polls find every job.
   */
  onNotified(handler: (job: { name: string; dueAt: Date | null }) => void): () => void;
  /** False once the job's row was removed or rewritten after the scheduler picked it up (a stale run). */
  isCurrent(job: JobRef): Promise<boolean>;
  /**
   * Locks up to `limit` due timer jobs in one statement (unlocked and due, or locked with an
   * expired lock), earliest first, stamping their lock with `claim.now`; two nodes never get the
   * same job while its lock lives (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one writer).
   */
  claimDue(claim: TimerClaim): Promise<ClaimedTimer[]>;
  /** Re-stamps the locks stamped `heldAt` of these jobs with `now`; answers the ids still held (a row removed or taken over is not). */
  renewClaims(ids: readonly string[], heldAt: number, now: number): Promise<string[]>;
  /**
   * Unlocks the jobs still locked with the stamp `heldAt` (a removed row is gone, a row another
   * node took over is left alone), setting the next run of those still of the claimed generation
   * to their `retryAt` when given. One statement for the whole batch.
   */
  releaseClaims(releases: readonly TimerRelease[], heldAt: number): Promise<void>;
  /** The earliest next run (ms) of an unlocked timer job; null: none pending. */
  nextDueAt(): Promise<number | null>;
}
