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

/**
 * The store's side of the scheduler: its backend on the store's own database, plus the two things
 * Baton needs beyond it.
 */
export interface TimerJobs {
  readonly backend: SchedulerBackend;
  /** After a commit: let the nodes' schedulers see jobs written in the transaction without waiting for their poll. */
  notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void>;
  /** False once the job's row was removed or rewritten after the scheduler picked it up (a stale run). */
  isCurrent(job: JobRef): Promise<boolean>;
}
