import type { Logger } from 'pino';

import type { AuditEventInput } from '../audit/audit-event.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { CalendarDirectory, CalendarSnapshot } from './calendar-directory.js';
import { dueOf } from './timer-clock.js';

export interface RecomputeResult {
  calendarId: string;
  instances: number;
  timers: number;
  ms: number;
}

/**
 * A calendar changed (a new holiday, other hours): every pending timer counting in it gets the due
 * time its clock now gives, and the open tasks whose SLA came from such a timer move with it. Runs
 * in the background, a page of timers at a time with a turn of the event loop between pages, so
 * the server keeps answering; each instance is one amendment step (timers, tasks and one
 * `timer.moved` audit event per timer, in one transaction, in the instance's queue).
 */
export class CalendarRecompute {
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly store: Pick<Store, 'timers' | 'tasks'>,
    private readonly runner: InstanceRunner,
    private readonly calendars: CalendarDirectory,
    private readonly logger: Logger,
    private readonly options: { pageSize: number; batch: number } = { pageSize: 2000, batch: 50 },
  ) {}

  /** Queues a recompute after the ones already running (two changes in a row recompute twice, in order). */
  schedule(calendarId: string, actor: string): Promise<RecomputeResult> {
    const next = this.running.then(() => this.recompute(calendarId, actor));
    this.running = next.catch((err: unknown) => this.logger.error({ err, calendarId }, 'calendar recompute failed'));
    return next;
  }

  /** Resolves when every queued recompute has finished (tests, shutdown). */
  idle(): Promise<unknown> {
    return this.running;
  }

  /**
   * Shutdown: ends the running recompute after its current batch (what is written stays written).
   * The rest is caught when those timers wake (the runner moves a timer its clock now puts later).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  async recompute(calendarId: string, actor: string): Promise<RecomputeResult> {
    const started = Date.now();
    const calendars = await this.calendars.snapshot();
    let after = '';
    let instances = 0;
    let timers = 0;
    while (!this.stopping) {
      const page = await this.store.timers.withClockCalendar(calendarId, after, this.options.pageSize);
      const last = page.at(-1);
      if (!last) break;
      after = last.id;
      const byInstance = [...new Set(page.filter((timer) => timer.clock?.from !== null).map((timer) => timer.instanceId))];
      for (let index = 0; index < byInstance.length && !this.stopping; index += this.options.batch) {
        const moved = await this.moveInstances(byInstance.slice(index, index + this.options.batch), calendarId, calendars, actor);
        instances += moved.instances;
        timers += moved.timers;
        // The store answers synchronously: without a turn of the event loop here a whole page would
        // run as one block of microtasks and requests would wait for it.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const result = { calendarId, instances, timers, ms: Date.now() - started };
    this.logger.info(result, 'calendar recomputed');
    return result;
  }

  /** One batch: written in one transaction; if that fails (an instance ended, a race), one by one. */
  private async moveInstances(instanceIds: string[], calendarId: string, calendars: CalendarSnapshot, actor: string): Promise<{ instances: number; timers: number }> {
    try {
      let timers = 0;
      const instances = await this.runner.amendMany(instanceIds, async (instance) => {
        const amendment = await this.move(instance.id, calendarId, calendars, actor);
        timers += amendment.audit.length;
        return amendment;
      });
      return { instances, timers };
    } catch (err) {
      this.logger.debug({ err, calendarId }, 'recompute batch refused; moving its instances one by one');
    }
    const total = { instances: 0, timers: 0 };
    for (const instanceId of instanceIds) {
      try {
        let count = 0;
        await this.runner.amend(instanceId, async () => {
          const amendment = await this.move(instanceId, calendarId, calendars, actor);
          count = amendment.audit.length;
          return amendment;
        });
        if (count > 0) total.instances += 1;
        total.timers += count;
      } catch (err) {
        // An instance that ended or is shutting down meanwhile keeps what it has; the rest go on.
        this.logger.warn({ err, instanceId, calendarId }, 'timers of an instance were not recomputed');
      }
    }
    return total;
  }

  /** The amendment that gives an instance's timers counting in the calendar their new due times. */
  private async move(instanceId: string, calendarId: string, calendars: CalendarSnapshot, actor: string): Promise<{ tasks: TaskRecord[]; audit: AuditEventInput[]; timers?: TimerRecord[] }> {
    const [pending, openTasks] = await Promise.all([this.store.timers.forInstance(instanceId), this.store.tasks.list({ instanceId, status: 'open' })]);
    const audit: AuditEventInput[] = [];
    const moves = new Map<string, string>();
    const timers: TimerRecord[] = pending.map((timer) => {
      if (timer.clock?.calendarId !== calendarId || timer.clock.from === null) return timer;
      const dueAt = dueOf(timer.clock, calendars)?.toISOString();
      if (!dueAt || dueAt === timer.dueAt) return timer;
      moves.set(timer.dueAt, dueAt);
      audit.push({ type: 'timer.moved', actor, elementId: timer.elementId, data: { timerId: timer.id, from: timer.dueAt, to: dueAt, reason: `calendar ${calendarId} changed` } });
      return { ...timer, dueAt };
    });
    if (audit.length === 0) return { tasks: [], audit: [] };
    const tasks: TaskRecord[] = [];
    for (const task of openTasks) {
      const dueAt = task.dueAt === null ? null : (moves.get(task.dueAt) ?? task.dueAt);
      const warnAt = task.warnAt === null ? null : (moves.get(task.warnAt) ?? task.warnAt);
      if (dueAt !== task.dueAt || warnAt !== task.warnAt) tasks.push({ ...task, dueAt, warnAt, version: task.version + 1 });
    }
    return { tasks, audit, timers };
  }
}
