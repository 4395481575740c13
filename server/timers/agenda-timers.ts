import { Agenda, type AgendaBackend, type Job, type JobParameters } from 'agenda';
import type { Logger } from 'pino';

import { crashPoint } from '../crash-points.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import { PROCESS_START_JOB } from './process-schedule.js';
import type { ProcessStarts } from './process-starts.js';
import { TIMER_JOB, type JobRef, type SchedulerBackend, type TimerJobs } from './timer-jobs.js';
import type { TimerStore } from './timer.store.js';

export interface AgendaTimersOptions {
  /** How often agenda looks for jobs (notifications make new ones run sooner). */
  processEveryMs: number;
  /** How long a node holds a job before another may take it over (a node killed mid-job). */
  lockLifetimeMs: number;
  /** A timer still pending after its run (its step failed) is tried again this much later. */
  retryMs: number;
}

interface TimerJobData {
  instanceId: string;
}

/**
 * How many timer jobs this node holds locked at once. agenda 6.2.6 keeps its local queue in
 * arrays it scans (and copies the keys of) for every job it runs, so 10,000 due timers locked
 * in one fill cost O(n²) and most of a burst's CPU went to garbage collection. Holding a window
 * of jobs, and asking for the next one as each finishes (`refill`), keeps that work constant.
 */
const TIMER_LOCK_LIMIT = 100;

/**
 * Runs BPMN timers as agenda jobs. The jobs are written by the steps themselves (in the step's
 * transaction); agenda only wakes the instance. Firing is idempotent, so agenda's at-least-once
 * delivery fires a timer once.
 */
export class AgendaTimers {
  readonly agenda: Agenda;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly jobs: TimerJobs,
    private readonly timers: TimerStore,
    private readonly runner: InstanceRunner,
    private readonly processStarts: ProcessStarts,
    private readonly logger: Logger,
    options: AgendaTimersOptions,
  ) {
    this.agenda = new Agenda({
      backend: agendaBackend(jobs.backend),
      processEvery: options.processEveryMs,
      defaultLockLifetime: options.lockLifetimeMs,
      maxConcurrency: 10,
    });
    this.agenda.on('error', (err: unknown) => logger.error({ err }, 'agenda error'));
    this.agenda.define(TIMER_JOB, (job: Job<TimerJobData>) => this.fire(job, options.retryMs), { concurrency: 5, lockLimit: TIMER_LOCK_LIMIT });
    this.agenda.define(PROCESS_START_JOB, (job: Job) => this.startProcess(job, options.retryMs), { concurrency: 1 });

    const onCommit = ({ timers }: { timers: { id: string; dueAt: string }[] }) => {
      if (timers.length === 0) return;
      void this.jobs.notify(timers.map((timer) => ({ id: timer.id, name: TIMER_JOB, dueAt: new Date(timer.dueAt) })));
    };
    runner.events.on('step.committed', onCommit);
    this.unsubscribe = () => runner.events.off('step.committed', onCommit);
  }

  async start(): Promise<void> {
    await this.agenda.start();
  }

  /** Lets the timer steps in progress finish and releases every lock this node holds. */
  async stop(): Promise<void> {
    this.unsubscribe();
    // agenda 6.2.6: drain() alone keeps the locks of running jobs and a later stop() does nothing;
    // starting the drain, then stopping, then awaiting the drain releases them.
    const drained = this.agenda.drain();
    await this.agenda.stop();
    await drained;
  }

  private async startProcess(job: Job, retryMs: number): Promise<void> {
    if (!(await this.jobs.isCurrent(jobRef(job.attrs)))) return;
    try {
      await this.processStarts.fire(String(job.attrs._id));
    } catch (err) {
      this.logger.warn({ err, scheduleId: job.attrs._id }, 'scheduled process start failed; it will be tried again');
      // Still due and not advanced: run it again rather than leave agenda's one-shot job spent.
      job.schedule(new Date(Date.now() + retryMs));
    }
  }

  private async fire(job: Job<TimerJobData>, retryMs: number): Promise<void> {
    // A job agenda picked before a step rewrote or removed it: the row is the truth now.
    if (!(await this.jobs.isCurrent(jobRef(job.attrs)))) return;
    const timerId = String(job.attrs._id);
    const { instanceId } = job.attrs.data;
    try {
      crashPoint('timer-fire');
      await this.runner.apply(instanceId, { kind: 'timer', timerId });
    } catch (err) {
      this.logger.warn({ err, timerId, instanceId }, 'timer step failed; it will be tried again');
    }
    // agenda leaves a one-shot job with no next run once it ran: a timer that is still pending
    // (its step failed, or it was not due yet) must be run again, never dropped.
    const pending = await this.timers.get(timerId);
    if (pending) job.schedule(new Date(Math.max(Date.parse(pending.dueAt), Date.now() + retryMs)));
    this.refill(timerId);
  }

  /**
   * With a lock limit agenda takes more due jobs only at its next poll (processEvery) or on a
   * notification; a notification after agenda has released this job's slot (a later turn: it does
   * so when the handler has returned) lets the next due timer run at once.
   */
  private refill(timerId: string): void {
    setImmediate(() => void this.jobs.notify([{ id: timerId, name: TIMER_JOB, dueAt: new Date() }]));
  }
}

/** The store's scheduler backend as agenda's: every adapter hands out an agenda backend (checked, not assumed). */
function agendaBackend(backend: SchedulerBackend): AgendaBackend {
  const candidate = backend as Partial<AgendaBackend>;
  if (typeof candidate.repository !== 'object' || candidate.repository === null) {
    throw new TypeError(`the store's scheduler backend ${backend.name} is not an agenda backend`);
  }
  return backend as AgendaBackend;
}

/** agenda copies the row's generation into job.attrs (an extra attribute the repositories hand out). */
function jobRef(attrs: JobParameters): JobRef {
  const generation = (attrs as { generation?: unknown }).generation;
  return { id: String(attrs._id), generation: typeof generation === 'string' ? generation : null };
}
