import { toJobId } from 'agenda';
import type Database from 'better-sqlite3';

import { PROCESS_START_JOB, type ProcessScheduleRecord, type ProcessScheduleStore } from '../../timers/process-schedule.js';
import type { TimerJobs } from '../../timers/timer-jobs.js';
import type { SqliteJobRepository } from './sqlite-job.repository.js';

type ScheduleData = Omit<ProcessScheduleRecord, 'id'> & { dueMs: number };

interface JobRow {
  id: string;
  data: string;
}

/** Process schedules are agenda jobs too, so agenda starts the instances and the sweep backs it up. */
export class SqliteProcessScheduleStore implements ProcessScheduleStore {
  private readonly dueBy: Database.Statement<[string, number, number], JobRow>;
  private readonly ofProcess: Database.Statement<[string, string], JobRow>;
  private readonly byId: Database.Statement<[string, string], JobRow>;

  constructor(
    db: Database.Database,
    private readonly jobs: SqliteJobRepository,
    /** Lets this node's agenda see a schedule change before its next poll. */
    private readonly timerJobs: TimerJobs,
  ) {
    this.dueBy = db.prepare(
      `SELECT id, data FROM agenda_jobs WHERE name = ? AND json_extract(data, '$.dueMs') <= ?
       ORDER BY json_extract(data, '$.dueMs'), id LIMIT ?`,
    );
    this.ofProcess = db.prepare(
      `SELECT id, data FROM agenda_jobs WHERE name = ? AND json_extract(data, '$.processKey') = ? ORDER BY id`,
    );
    this.byId = db.prepare('SELECT id, data FROM agenda_jobs WHERE name = ? AND id = ?');
  }

  async due(at: Date, limit: number): Promise<ProcessScheduleRecord[]> {
    return this.dueBy.all(PROCESS_START_JOB, at.getTime(), limit).map(toSchedule);
  }

  async forProcess(processKey: string): Promise<ProcessScheduleRecord[]> {
    return this.ofProcess.all(PROCESS_START_JOB, processKey).map(toSchedule);
  }

  async get(id: string): Promise<ProcessScheduleRecord | null> {
    const row = this.byId.get(PROCESS_START_JOB, id);
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

function toSchedule(row: JobRow): ProcessScheduleRecord {
  const { dueMs: _dueMs, ...data } = JSON.parse(row.data) as ScheduleData;
  return { id: row.id, ...data };
}
