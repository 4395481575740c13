import { toJobId } from 'agenda';
import type pg from 'pg';

import { PROCESS_START_JOB, type ProcessScheduleRecord, type ProcessScheduleStore } from '../../timers/process-schedule.js';
import type { TimerJobs } from '../../timers/timer-jobs.js';
import { BatonJobQueries, type BatonJobRow } from './pg-baton-jobs.js';
import type { PgJobRepository } from './pg-job.repository.js';
import { inTransaction, query } from './pg-pool.js';

type ScheduleData = Omit<ProcessScheduleRecord, 'id'> & { dueMs: number };

/** Process schedules are agenda jobs too, so agenda starts the instances and the sweep backs it up. */
export class PgProcessScheduleStore implements ProcessScheduleStore {
  private readonly jobsOfKind: BatonJobQueries;

  constructor(
    private readonly pool: pg.Pool,
    private readonly jobs: PgJobRepository,
    /** Lets every node's agenda see a schedule change before its next poll. */
    private readonly timerJobs: TimerJobs,
  ) {
    this.jobsOfKind = new BatonJobQueries(pool, PROCESS_START_JOB);
  }

  async due(at: Date, limit: number): Promise<ProcessScheduleRecord[]> {
    return (await this.jobsOfKind.due(at, limit)).map(toSchedule);
  }

  async forProcess(processKey: string): Promise<ProcessScheduleRecord[]> {
    const result = await query<BatonJobRow>(this.pool, `SELECT id, data FROM agenda_jobs WHERE name = $1 AND data ->> 'processKey' = $2 ORDER BY id COLLATE "C"`, [PROCESS_START_JOB, processKey]);
    return result.rows.map(toSchedule);
  }

  async get(id: string): Promise<ProcessScheduleRecord | null> {
    const row = await this.jobsOfKind.byId(id);
    return row === undefined ? null : toSchedule(row);
  }

  async put(schedule: ProcessScheduleRecord): Promise<void> {
    const dueMs = Date.parse(schedule.dueAt);
    if (Number.isNaN(dueMs)) throw new TypeError(`schedule ${schedule.id}: dueAt ${schedule.dueAt} is not a date`);
    const { id, ...rest } = schedule;
    const data: ScheduleData = { ...rest, dueMs };
    await inTransaction(this.pool, (client) => this.jobs.upsertJobIn(client, { _id: toJobId(id), name: PROCESS_START_JOB, priority: 0, type: 'normal', nextRunAt: new Date(dueMs), data }));
    await this.timerJobs.notify([{ id, name: PROCESS_START_JOB, dueAt: new Date(dueMs) }]);
  }

  async remove(id: string): Promise<void> {
    await this.jobs.removeJobsIn(this.pool, [id]);
  }
}

function toSchedule(row: BatonJobRow): ProcessScheduleRecord {
  const { dueMs: _dueMs, ...data } = row.data as unknown as ScheduleData;
  return { id: row.id, ...data };
}
