import { toJobId } from 'agenda';
import type Database from 'better-sqlite3';

import { PROCESS_START_JOB, type ProcessScheduleRecord, type ProcessScheduleStore } from '../../timers/process-schedule.js';
import type { TimerJobs } from '../../timers/timer-jobs.js';
import { BatonJobQueries, type BatonJobRow } from './sqlite-baton-jobs.js';
import type { SqliteJobRepository } from './sqlite-job.repository.js';

type ScheduleData = Omit<ProcessScheduleRecord, 'id'> & { dueMs: number };

/** Process schedules are agenda jobs too, so agenda starts the instances and the sweep backs it up. */
export class SqliteProcessScheduleStore implements ProcessScheduleStore {
  private readonly jobsOfKind: BatonJobQueries;
  private readonly ofProcess: Database.Statement<[string, string], BatonJobRow>;

  constructor(
    db: Database.Database,
    private readonly jobs: SqliteJobRepository,
    /** Lets this node's agenda see a schedule change before its next poll. */
    private readonly timerJobs: TimerJobs,
  ) {
    this.jobsOfKind = new BatonJobQueries(db, PROCESS_START_JOB);
    this.ofProcess = db.prepare(`SELECT id, data FROM agenda_jobs WHERE name = ? AND json_extract(data, '$.processKey') = ? ORDER BY id`);
  }

  async due(at: Date, limit: number): Promise<ProcessScheduleRecord[]> {
    return this.jobsOfKind.due(at, limit).map(toSchedule);
  }

  async forProcess(processKey: string): Promise<ProcessScheduleRecord[]> {
    return this.ofProcess.all(PROCESS_START_JOB, processKey).map(toSchedule);
  }

  async get(id: string): Promise<ProcessScheduleRecord | null> {
    const row = this.jobsOfKind.byId(id);
    return row === undefined ? null : toSchedule(row);
  }

  async put(schedule: ProcessScheduleRecord): Promise<void> {
    const dueMs = Date.parse(schedule.dueAt);
    if (Number.isNaN(dueMs)) throw new TypeError(`schedule ${schedule.id}: dueAt ${schedule.dueAt} is not a date`);
    const { id, ...rest } = schedule;
    const data: ScheduleData = { ...rest, dueMs };
    this.jobs.upsertJobSync({ _id: toJobId(id), name: PROCESS_START_JOB, priority: 0, type: 'normal', nextRunAt: new Date(dueMs), data });
    await this.timerJobs.notify([{ id, name: PROCESS_START_JOB, dueAt: new Date(dueMs) }]);
  }

  async remove(id: string): Promise<void> {
    this.jobs.removeJobsSync([id]);
  }
}

function toSchedule(row: BatonJobRow): ProcessScheduleRecord {
  const { dueMs: _dueMs, ...data } = JSON.parse(row.data) as ScheduleData;
  return { id: row.id, ...data };
}
