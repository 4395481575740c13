import type Database from 'better-sqlite3';
import { toJobId } from 'agenda';

import { TIMER_JOB } from '../../timers/timer-jobs.js';
import type { TimerClock, TimerRecord } from '../../timers/timer.js';
import type { TimerStore } from '../../timers/timer.store.js';
import { BatonJobQueries, type BatonJobRow } from './sqlite-baton-jobs.js';
import type { SqliteJobRepository } from './sqlite-job.repository.js';

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
 * Pending BPMN timers are agenda jobs in the same SQLite database, so a step writes its timer
 * intents in its own transaction and agenda runs them; this store reads them back as timers.
 */
export class SqliteTimerStore implements TimerStore {
  private readonly jobsOfKind: BatonJobQueries;
  private readonly ofInstance: Database.Statement<[string, string], BatonJobRow>;
  private readonly counted: Database.Statement<[string], { n: number }>;
  private readonly byClockCalendar: Database.Statement<[string, string, string, number], BatonJobRow>;

  constructor(
    db: Database.Database,
    private readonly jobs: SqliteJobRepository,
  ) {
    this.jobsOfKind = new BatonJobQueries(db, TIMER_JOB);
    // Without statistics SQLite prefers the due index (it saves the sort) and scans every pending
    // timer: 35 ms per step at 100,000 pending (docs/benchmarks-timers.md). An instance has a
    // handful of timers, so its own index and a tiny sort are always right.
    this.ofInstance = db.prepare(
      `SELECT id, data FROM agenda_jobs INDEXED BY agenda_jobs_instance WHERE instance_id = ? AND name = ?
       ORDER BY json_extract(data, '$.dueMs'), id`,
    );
    this.counted = db.prepare('SELECT count(*) AS n FROM agenda_jobs WHERE name = ?');
    // Pages in id order through the clock's calendar index (sqlite-migration-calendars.ts).
    this.byClockCalendar = db.prepare(
      `SELECT id, data FROM agenda_jobs INDEXED BY agenda_jobs_clock_calendar
       WHERE json_extract(data, '$.clock.calendarId') = ? AND id > ? AND name = ? ORDER BY id LIMIT ?`,
    );
  }

  async withClockCalendar(calendarId: string, afterId: string, limit: number): Promise<TimerRecord[]> {
    return this.byClockCalendar.all(calendarId, afterId, TIMER_JOB, limit).map(toTimer);
  }

  async due(at: Date, limit: number): Promise<TimerRecord[]> {
    return this.jobsOfKind.due(at, limit).map(toTimer);
  }

  async forInstance(instanceId: string): Promise<TimerRecord[]> {
    return this.ofInstance.all(instanceId, TIMER_JOB).map(toTimer);
  }

  async count(): Promise<number> {
    return this.counted.get(TIMER_JOB)?.n ?? 0;
  }

  async get(id: string): Promise<TimerRecord | null> {
    const row = this.jobsOfKind.byId(id);
    return row === undefined ? null : toTimer(row);
  }

  /**
   * Called only inside SqliteStore.commitStep's transaction. Unchanged timers are left alone, so
   * a job agenda is running keeps its lock and generation; changed ones are rewritten (agenda's
   * run of the old schedule then leaves the new one in place).
   */
  replaceForInstanceSync(instanceId: string, timers: TimerRecord[]): TimerRecord[] {
    const existing = new Map(this.ofInstance.all(instanceId, TIMER_JOB).map((row) => [row.id, toTimer(row)]));
    const wanted = new Set(timers.map((timer) => timer.id));
    this.jobs.removeJobsSync([...existing.keys()].filter((id) => !wanted.has(id)));
    const written: TimerRecord[] = [];
    for (const timer of timers) {
      const before = existing.get(timer.id);
      if (before && before.dueAt === timer.dueAt && before.elementId === timer.elementId && sameClock(before.clock, timer.clock)) continue;
      const dueMs = Date.parse(timer.dueAt);
      if (Number.isNaN(dueMs)) throw new TypeError(`timer ${timer.id}: dueAt ${timer.dueAt} is not a date`);
      const data: TimerJobData = { ...toData(timer), dueMs };
      this.jobs.upsertJobSync({ _id: toJobId(timer.id), name: TIMER_JOB, priority: 0, type: 'normal', nextRunAt: new Date(dueMs), data });
      written.push(timer);
    }
    return written;
  }
}

function toData(timer: TimerRecord): Omit<TimerJobData, 'dueMs'> {
  const { instanceId, executionId, elementId, timerType, dueAt, clock } = timer;
  return { instanceId, executionId, elementId, timerType, dueAt, ...(clock && { clock }) };
}

function sameClock(a: TimerClock | undefined, b: TimerClock | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function toTimer(row: BatonJobRow): TimerRecord {
  const data = JSON.parse(row.data) as TimerJobData;
  return {
    id: row.id,
    instanceId: data.instanceId,
    executionId: data.executionId,
    elementId: data.elementId,
    timerType: data.timerType,
    dueAt: data.dueAt,
    ...(data.clock && { clock: data.clock }),
  };
}
