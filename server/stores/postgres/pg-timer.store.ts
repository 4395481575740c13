import { toJobId } from 'agenda';
import type pg from 'pg';

import { TIMER_JOB } from '../../timers/timer-jobs.js';
import type { TimerClock, TimerRecord } from '../../timers/timer.js';
import type { TimerStore } from '../../timers/timer.store.js';
import { BatonJobQueries, DUE_MS, type BatonJobRow } from './pg-baton-jobs.js';
import type { PgJobRepository } from './pg-job.repository.js';
import { query, type Queryable } from './pg-pool.js';

interface TimerJobData {
  instanceId: string;
  executionId: string;
  elementId: string;
  timerType: string;
  dueAt: string;
  dueMs: number;
  clock?: TimerClock;
}

/**
 * Pending BPMN timers are agenda jobs in the same database, so a step writes its timers in its own
 * transaction and agenda runs them; this store reads them back as timers.
 */
export class PgTimerStore implements TimerStore {
  private readonly jobsOfKind: BatonJobQueries;

  constructor(
    private readonly pool: pg.Pool,
    private readonly jobs: PgJobRepository,
  ) {
    this.jobsOfKind = new BatonJobQueries(pool, TIMER_JOB);
  }

  /** Pages in id order through the clock's calendar index (pg-migration-calendars.ts). */
  async withClockCalendar(calendarId: string, afterId: string, limit: number): Promise<TimerRecord[]> {
    const result = await query<BatonJobRow>(this.pool, {
      name: 'baton.timers.withClockCalendar',
      text: `SELECT id, data FROM agenda_jobs
             WHERE ${CLOCK_CALENDAR} = $1 AND id COLLATE "C" > $2 AND name = $3 ORDER BY id COLLATE "C" LIMIT $4`,
      values: [calendarId, afterId, TIMER_JOB, limit],
    });
    return result.rows.map(toTimer);
  }

  async due(at: Date, limit: number): Promise<TimerRecord[]> {
    return (await this.jobsOfKind.due(at, limit)).map(toTimer);
  }

  async forInstance(instanceId: string): Promise<TimerRecord[]> {
    return (await this.ofInstance(this.pool, instanceId)).map(toTimer);
  }

  async count(): Promise<number> {
    return (await query<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM agenda_jobs WHERE name = $1', [TIMER_JOB])).rows[0]?.n ?? 0;
  }

  async get(id: string): Promise<TimerRecord | null> {
    const row = await this.jobsOfKind.byId(id);
    return row === undefined ? null : toTimer(row);
  }

  /**
   * In PgStore.commitStep's transaction. Unchanged timers are left alone, so a job agenda is
   * running keeps its lock and generation; changed ones are rewritten. Returns those written.
   */
  async replaceForInstanceIn(client: Queryable, instanceId: string, timers: TimerRecord[]): Promise<TimerRecord[]> {
    const existing = new Map((await this.ofInstance(client, instanceId)).map((row) => [row.id, toTimer(row)]));
    const wanted = new Set(timers.map((timer) => timer.id));
    await this.jobs.removeJobsIn(
      client,
      [...existing.keys()].filter((id) => !wanted.has(id)),
    );
    const written: TimerRecord[] = [];
    for (const timer of timers) {
      const before = existing.get(timer.id);
      if (before && before.dueAt === timer.dueAt && before.elementId === timer.elementId && sameClock(before.clock, timer.clock)) continue;
      const dueMs = Date.parse(timer.dueAt);
      if (Number.isNaN(dueMs)) throw new TypeError(`timer ${timer.id}: dueAt ${timer.dueAt} is not a date`);
      const data: TimerJobData = { ...toData(timer), dueMs };
      await this.jobs.upsertJobIn(client, { _id: toJobId(timer.id), name: TIMER_JOB, priority: 0, type: 'normal', nextRunAt: new Date(dueMs), data });
      written.push(timer);
    }
    return written;
  }

  private async ofInstance(db: Queryable, instanceId: string): Promise<BatonJobRow[]> {
    const result = await db.query<BatonJobRow>({
      name: 'baton.timers.ofInstance',
      text: `SELECT id, data FROM agenda_jobs WHERE instance_id = $1 AND name = $2 ORDER BY ${DUE_MS}, id COLLATE "C"`,
      values: [instanceId, TIMER_JOB],
    });
    return result.rows;
  }
}

/** The calendar a timer's clock counts in, as the agenda_jobs_clock_calendar index has it. */
const CLOCK_CALENDAR = `(data -> 'clock' ->> 'calendarId')`;

function toData(timer: TimerRecord): Omit<TimerJobData, 'dueMs'> {
  const { instanceId, executionId, elementId, timerType, dueAt, clock } = timer;
  return { instanceId, executionId, elementId, timerType, dueAt, ...(clock && { clock }) };
}

/** jsonb reorders keys, so compare clocks field by field rather than as JSON text. */
function sameClock(a: TimerClock | undefined, b: TimerClock | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.calendar === b.calendar && a.calendarId === b.calendarId && a.remainingMs === b.remainingMs && a.from === b.from && a.taskId === b.taskId;
}

function toTimer(row: BatonJobRow): TimerRecord {
  const data = row.data as unknown as TimerJobData;
  return {
    id: row.id,
    instanceId: data.instanceId,
    executionId: data.executionId,
    elementId: data.elementId,
    timerType: data.timerType,
    dueAt: data.dueAt,
    ...(data.clock && { clock: toClock(data.clock) }),
  };
}

/** The clock in the field order the engine writes it (jsonb keeps keys sorted by length, then bytes). */
function toClock(clock: TimerClock): TimerClock {
  const { calendar, calendarId, remainingMs, from, taskId } = clock;
  return { calendar, calendarId, remainingMs, from, ...(taskId !== undefined && { taskId }) };
}
