import { hostname } from 'node:os';

import { Agenda, type AgendaBackend, type Job, type JobParameters } from 'agenda';
import type { Logger } from 'pino';

import type { InstanceRunner } from '../instances/instance-runner.js';
import { PROCESS_START_JOB } from './process-schedule.js';
import type { ProcessStarts } from './process-starts.js';
import { TimerBatches } from './timer-batches.js';
import { TIMER_JOB, type JobRef, type SchedulerBackend, type TimerJobs } from './timer-jobs.js';

export interface AgendaTimersOptions {
  /** How often agenda looks for jobs (notifications make new ones run sooner). */
  processEveryMs: number;
  /** How long a node holds a job before another may take it over (a node killed mid-job). */
  lockLifetimeMs: number;
  /** A timer still pending after its run (its step failed) is tried again this much later. */
  retryMs: number;
  /** BPMN timer jobs locked per claim (default 25). */
  batchSize?: number;
  /**
   * Timer steps in flight at once. Default 1 on SQLite, whose steps are CPU work in this process
   * (bench/timer-fires.ts: 1 and 2 within the noise, 4 or agenda's 5 cost more CPU per fire: more
   * live engines, more garbage); 4 on PostgreSQL, whose steps wait on round trips.
   */
  concurrency?: number;
}

const DEFAULT_BATCH_SIZE = 25;

/**
 * Runs Baton's scheduled jobs: BPMN timers in batches (timer-batches.ts: one statement locks many
 * due jobs, each step's own commit removes its job), process starts as agenda jobs. Both kinds of
 * jobs are written by the steps themselves (in the step's transaction). Firing is idempotent, so
 * at-least-once delivery fires a timer once.
 */
export class AgendaTimers {
  readonly agenda: Agenda;
  readonly batches: TimerBatches;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly jobs: TimerJobs,
    runner: InstanceRunner,
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
    // BPMN timers are not defined here: agenda never picks a baton.timer job, the batches do.
    this.agenda.define(PROCESS_START_JOB, (job: Job) => this.startProcess(job, options.retryMs), { concurrency: 1 });
    this.batches = new TimerBatches(jobs, runner, logger, {
      lockLifetimeMs: options.lockLifetimeMs,
      retryMs: options.retryMs,
      pollMs: options.processEveryMs,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      concurrency: options.concurrency ?? (jobs.backend.name === 'SQLite' ? 1 : 4),
      owner: `${hostname()}:${process.pid}`,
    });

    const onCommit = ({ timers }: { timers: { id: string; dueAt: string }[] }) => {
      if (timers.length === 0) return;
      void this.jobs.notify(timers.map((timer) => ({ id: timer.id, name: TIMER_JOB, dueAt: new Date(timer.dueAt) })));
    };
    runner.events.on('step.committed', onCommit);
    this.unsubscribe = () => runner.events.off('step.committed', onCommit);
  }

  async start(): Promise<void> {
    // agenda connects the store's notification channel, which the batches listen on.
    await this.agenda.start();
    this.batches.start();
  }

  /** Lets the timer steps in progress finish and releases every lock this node holds. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.batches.stop();
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
