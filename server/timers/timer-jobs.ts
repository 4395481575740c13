import type { AgendaBackend, JobParameters } from 'agenda';

/** agenda job name of a pending BPMN timer; the job id is the timer id. */
export const TIMER_JOB = 'baton.timer';

/**
 * The store's side of agenda: its backend on the store's own database (timer jobs are written in
 * the step's transaction), plus the two things Baton needs beyond agenda's interface.
 */
export interface TimerJobs {
  readonly backend: AgendaBackend;
  /** After a commit: let this node's agenda see jobs written in the transaction without waiting for its poll. */
  notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void>;
  /** False once the job's row was removed or rewritten after agenda picked it up (a stale run). */
  isCurrent(job: JobParameters): Promise<boolean>;
}
