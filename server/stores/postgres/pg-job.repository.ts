import { randomUUID } from 'node:crypto';

import { computeJobState, toJobId } from 'agenda';
import type { JobId, JobParameters, JobRepository, JobRepositoryOptions, JobsOverview, JobsQueryOptions, JobsResult, JobsSort, JobWithState, RemoveJobsOptions } from 'agenda';
import type pg from 'pg';

import {
  ALL_FIELDS,
  COLUMNS,
  DEFAULT_QUERY_ORDER,
  DEFINITION_FIELDS,
  encode,
  generationOf,
  insertColumns,
  jobFromRow,
  NEXT_TO_RUN_ORDER,
  SORT_COLUMNS,
  toMs,
  uniqueFieldColumns,
  type AgendaJobRow,
  type Columns,
  type StoredJob,
} from '../agenda-jobs.js';
import { inTransaction, query, type Queryable } from './pg-pool.js';

/** `data` is jsonb on PostgreSQL: it arrives parsed. */
type JobRow = AgendaJobRow & Record<string, unknown>;

const SELECT = `SELECT ${COLUMNS.join(', ')} FROM agenda_jobs`;
const RETURNING = `RETURNING ${COLUMNS.join(', ')}`;

/** WHERE clauses with positional parameters, numbered as they are added. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: (placeholder: () => string) => string, ...values: unknown[]): void {
    let next = 0;
    this.clauses.push(
      clause(() => {
        this.params.push(values[next]);
        next += 1;
        return `$${this.params.length}`;
      }),
    );
  }

  sql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

/**
 * agenda's JobRepository on Baton's PostgreSQL database, the same semantics as SqliteJobRepository
 * (lock only an unchanged row; keep a rescheduled row's next run when an older run finishes; saving
 * state of a removed job is not an error). Across nodes, getNextJobToRun locks with
 * `FOR UPDATE SKIP LOCKED`, so two nodes asking at once take different jobs and never wait on each
 * other; a node that dies holding jobs loses them once `locked_at` is older than the lock lifetime.
 */
export class PgJobRepository implements JobRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async connect(): Promise<void> {
    // The store owns the pool and has migrated the schema; this only checks the table is there.
    const result = await query<{ exists: boolean }>(this.pool, `SELECT to_regclass('agenda_jobs') IS NOT NULL AS exists`);
    if (!result.rows[0]?.exists) throw new Error('table agenda_jobs is missing: open the database with openStore');
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { state, sort, skip = 0, limit = 0 } = options;
    const where = queryWhere(options);
    const order = orderBy(sort);
    const now = this.now();
    const withState = (row: JobRow): JobWithState => {
      const job = toJob(row);
      return { ...job, _id: toJobId(row.id), state: computeJobState(job, now) };
    };
    if (state === undefined) {
      const total = (await query<{ total: number }>(this.pool, `SELECT count(*) AS total FROM agenda_jobs ${where.sql()}`, where.params)).rows[0]?.total ?? 0;
      const n = where.params.length;
      const rows = await query<JobRow>(this.pool, `${SELECT} ${where.sql()} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...where.params, limit > 0 ? limit : null, skip]);
      return { jobs: rows.rows.map(withState), total };
    }
    // The state is computed from several timestamps against "now": filtered after reading, as agenda's backends do.
    const matching = (await query<JobRow>(this.pool, `${SELECT} ${where.sql()} ORDER BY ${order}`, where.params)).rows
      .map(withState)
      .filter((job) => (state === 'paused' ? job.disabled === true : job.state === state));
    const end = limit > 0 ? skip + limit : undefined;
    return { jobs: matching.slice(skip, end), total: matching.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = this.now();
    const overviews = new Map<string, JobsOverview>();
    for (const row of (await query<JobRow>(this.pool, `${SELECT} ORDER BY name`)).rows) {
      let overview = overviews.get(row.name);
      if (!overview) {
        overview = { name: row.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
        overviews.set(row.name, overview);
      }
      const job = toJob(row);
      overview.total += 1;
      overview[computeJobState(job, now)] += 1;
      if (job.disabled === true) overview.paused += 1;
    }
    return [...overviews.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    return (await query<{ name: string }>(this.pool, 'SELECT DISTINCT name FROM agenda_jobs ORDER BY name')).rows.map((row) => row.name);
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = (await query<JobRow>(this.pool, `${SELECT} WHERE id = $1`, [id])).rows[0];
    return row === undefined ? null : toJob(row);
  }

  async getQueueSize(): Promise<number> {
    return (await query<{ size: number }>(this.pool, 'SELECT count(*) AS size FROM agenda_jobs WHERE next_run_at < $1', [this.now().getTime()])).rows[0]?.size ?? 0;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const where = selectorWhere(options);
    if (where === null) return 0;
    return (await query(this.pool, `DELETE FROM agenda_jobs ${where.sql()}`, where.params)).rowCount ?? 0;
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const row = await inTransaction(this.pool, (client) => this.saveIn(client, job, options?.lastModifiedBy ?? null));
    // Saving by id a job that has since been removed is not an error: the caller gets its own data back.
    if (row === undefined) return job;
    // DATA is what the caller stored; it comes back through JSON.
    return toJob(row) as JobParameters<DATA>;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error(`cannot save the state of job ${job.name}: it has no id`);
    // Zero rows changed means Baton removed the job meanwhile: not an error.
    await query(this.pool, {
      name: 'baton.agenda.saveState',
      text: `UPDATE agenda_jobs SET
               locked_at = $3,
               next_run_at = CASE WHEN $4::text IS NULL OR generation = $4::text THEN $5::bigint ELSE next_run_at END,
               last_run_at = $6, progress = $7, fail_reason = $8, fail_count = $9, failed_at = $10,
               last_finished_at = $11, last_modified_by = $12
             WHERE id = $1 AND name = $2`,
      values: [
        job._id,
        job.name,
        toMs('lockedAt', job.lockedAt),
        generationOf(job),
        toMs('nextRunAt', job.nextRunAt),
        toMs('lastRunAt', job.lastRunAt),
        job.progress ?? null,
        job.failReason ?? null,
        job.failCount ?? null,
        toMs('failedAt', job.failedAt),
        toMs('lastFinishedAt', job.lastFinishedAt),
        options?.lastModifiedBy ?? null,
      ],
    });
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const row = (
      await query<JobRow>(this.pool, {
        name: 'baton.agenda.lock',
        text: `UPDATE agenda_jobs SET locked_at = $4, last_modified_by = $5
               WHERE id = $1 AND name = $2 AND locked_at IS NULL AND next_run_at IS NOT DISTINCT FROM $3::bigint AND disabled = 0
               ${RETURNING}`,
        values: [job._id, job.name, toMs('nextRunAt', job.nextRunAt), this.now().getTime(), options?.lastModifiedBy ?? null],
      })
    ).rows[0];
    return row === undefined ? undefined : toJob(row);
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (job._id) await this.unlockJobs([job._id]);
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    // A running one-shot job has next_run_at null; dropping its lock would leave a row nothing
    // ever picks up again if this node then died, so such rows keep their lock.
    if (jobIds.length > 0) await query(this.pool, 'UPDATE agenda_jobs SET locked_at = NULL WHERE id = ANY($1::text[]) AND next_run_at IS NOT NULL', [jobIds]);
  }

  async getNextJobToRun(jobName: string, nextScanAt: Date, lockDeadline: Date, now: Date | undefined, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    // Due and unlocked, or locked by a node whose lock expired (it died or overran): two index
    // range scans, the earlier candidate wins. SKIP LOCKED: a row another node is taking right now
    // is passed over, not waited for, so each due job is locked by exactly one node.
    const row = (
      await query<JobRow>(this.pool, {
        name: 'baton.agenda.next',
        text: `WITH due AS (
                 SELECT id, next_run_at, priority FROM agenda_jobs
                 WHERE name = $1 AND disabled = 0 AND locked_at IS NULL AND next_run_at <= $2
                 ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED
               ), expired AS (
                 SELECT id, next_run_at, priority FROM agenda_jobs
                 WHERE name = $1 AND disabled = 0 AND locked_at <= $3
                 ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED
               )
               UPDATE agenda_jobs SET locked_at = $4, last_modified_by = $5
               WHERE id = (
                 SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM expired) candidates
                 ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT 1)
               ${RETURNING}`,
        values: [jobName, nextScanAt.getTime(), lockDeadline.getTime(), (now ?? this.now()).getTime(), options?.lastModifiedBy ?? null],
      })
    ).rows[0];
    return row === undefined ? undefined : toJob(row);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, 1);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, 0);
  }

  async purgeAllJobs(): Promise<number> {
    return (await query(this.pool, 'DELETE FROM agenda_jobs')).rowCount ?? 0;
  }

  /**
   * Inserts, or updates by `_id`, a job Baton owns, inside Baton's own transaction (the step's).
   * On an existing row only definition fields are written and the previous outcome is cleared; the
   * lock stays, and a new generation makes an older run leave the new schedule alone.
   */
  async upsertJobIn(client: Queryable, job: JobParameters): Promise<void> {
    const id = job._id;
    if (!id) throw new TypeError(`upsertJob needs a job with an _id (job ${job.name})`);
    const lastModifiedBy = job.lastModifiedBy ?? null;
    const columns: Columns = { ...insertColumns(id, job, lastModifiedBy, randomUUID()) };
    const names = Object.keys(columns);
    const update: Columns = {
      ...encode(job, DEFINITION_FIELDS),
      last_finished_at: null,
      failed_at: null,
      fail_reason: null,
      fail_count: null,
      last_modified_by: lastModifiedBy,
      generation: columns['generation'] ?? randomUUID(),
    };
    const updated = Object.keys(update);
    await client.query(
      `INSERT INTO agenda_jobs (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${updated.map((name, i) => `${name} = $${names.length + i + 1}`).join(', ')}`,
      [...names.map((name) => columns[name] ?? null), ...updated.map((name) => update[name] ?? null)],
    );
  }

  /** Deletes Baton's jobs by id in the caller's transaction; returns rows removed. */
  async removeJobsIn(client: Queryable, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await client.query('DELETE FROM agenda_jobs WHERE id = ANY($1::text[])', [ids])).rowCount ?? 0;
  }

  /** False once the row was removed or rewritten after agenda picked the job up (a stale run). */
  async isCurrent(job: JobParameters): Promise<boolean> {
    if (!job._id) return false;
    const row = (await query<{ generation: string }>(this.pool, { name: 'baton.agenda.generation', text: 'SELECT generation FROM agenda_jobs WHERE id = $1', values: [job._id] })).rows[0];
    if (row === undefined) return false;
    const generation = generationOf(job);
    return generation === null || generation === row.generation;
  }

  private async setDisabled(options: RemoveJobsOptions, disabled: 0 | 1): Promise<number> {
    const where = selectorWhere(options);
    if (where === null) return 0;
    const n = where.params.length;
    return (await query(this.pool, `UPDATE agenda_jobs SET disabled = $${n + 1} ${where.sql()}`, [...where.params, disabled])).rowCount ?? 0;
  }

  private async saveIn(client: pg.PoolClient, job: JobParameters, lastModifiedBy: string | null): Promise<JobRow | undefined> {
    const { _id: id, unique, uniqueOpts } = job;
    if (id) {
      const existing = (await client.query<JobRow>(`${SELECT} WHERE id = $1 FOR UPDATE`, [id])).rows[0];
      if (existing === undefined || existing.name !== job.name) return undefined;
      return this.update(client, existing.id, { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy });
    }
    // "One row per name" and "one row per unique key" are look-then-write: serialised per name
    // across nodes by a transaction-scoped advisory lock.
    if (job.type === 'single' || unique) {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('baton.agenda.save'), hashtext($1))`, [job.name]);
    }
    if (job.type === 'single') {
      const existing = (await client.query<JobRow>(`${SELECT} WHERE name = $1 AND type = 'single'`, [job.name])).rows[0];
      if (existing === undefined) return this.insert(client, randomUUID(), job, lastModifiedBy);
      const columns: Columns = { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy };
      // every() on each start saves nextRunAt = now; a job that already has a next run keeps it.
      const nextRunAt = toMs('nextRunAt', job.nextRunAt);
      if (nextRunAt !== null && nextRunAt <= this.now().getTime() && existing.next_run_at !== null) columns['next_run_at'] = existing.next_run_at;
      return this.update(client, existing.id, columns);
    }
    if (unique) {
      if (uniqueOpts?.debounce) throw new Error(`job ${job.name}: debounced unique jobs are not supported by Baton's PostgreSQL backend`);
      const where = uniqueWhere(job.name, unique);
      const existing = (await client.query<JobRow>(`${SELECT} ${where.sql()} LIMIT 1`, where.params)).rows[0];
      if (existing !== undefined) {
        if (uniqueOpts?.insertOnly) return existing;
        return this.update(client, existing.id, { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy });
      }
    }
    return this.insert(client, randomUUID(), job, lastModifiedBy);
  }

  private async insert(client: Queryable, id: string, job: JobParameters, lastModifiedBy: string | null): Promise<JobRow | undefined> {
    const columns = insertColumns(id, job, lastModifiedBy, randomUUID());
    const names = Object.keys(columns);
    const result = await client.query<JobRow>(
      `INSERT INTO agenda_jobs (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ${RETURNING}`,
      names.map((name) => columns[name] ?? null),
    );
    return result.rows[0];
  }

  /** Writes `columns` and a fresh generation: every definition write is a new generation. */
  private async update(client: Queryable, id: string, columns: Columns): Promise<JobRow | undefined> {
    const values: Columns = { ...columns, generation: randomUUID() };
    const names = Object.keys(values);
    const result = await client.query<JobRow>(`UPDATE agenda_jobs SET ${names.map((name, i) => `${name} = $${i + 1}`).join(', ')} WHERE id = $${names.length + 1} ${RETURNING}`, [
      ...names.map((name) => values[name] ?? null),
      id,
    ]);
    return result.rows[0];
  }
}

function byOneOrMany(where: Where, column: string, one: string | undefined, many: readonly string[] | undefined): void {
  if (one) where.add((p) => `${column} = ${p()}`, one);
  else if (many && many.length > 0) where.add((p) => `${column} = ANY(${p()}::text[])`, many);
}

/** RemoveJobsOptions as remove/disable/enable read it; null when it selects nothing at all. */
function selectorWhere(options: RemoveJobsOptions): Where | null {
  const where = new Where();
  byOneOrMany(where, 'id', options.id, options.ids);
  byOneOrMany(where, 'name', options.name, options.names);
  if (!options.name && !options.names?.length && options.notNames && options.notNames.length > 0) {
    where.add((p) => `name <> ALL(${p()}::text[])`, options.notNames);
  }
  if (options.data !== undefined) where.add((p) => `data @> ${p()}::jsonb`, JSON.stringify(options.data));
  // Options that select nothing must not turn into "delete everything".
  return where.clauses.length === 0 ? null : where;
}

function queryWhere(options: JobsQueryOptions): Where {
  const where = new Where();
  byOneOrMany(where, 'name', options.name, options.names);
  byOneOrMany(where, 'id', options.id, options.ids);
  if (options.search) where.add((p) => `strpos(name, ${p()}) > 0`, options.search);
  if (options.data !== undefined) where.add((p) => `data @> ${p()}::jsonb`, JSON.stringify(options.data));
  if (options.includeDisabled === false) where.clauses.push('disabled = 0');
  return where;
}

/** agenda's `unique` query: `data` / `data.a.b` paths, or top-level job fields by equality. */
function uniqueWhere(name: string, unique: Record<string, unknown>): Where {
  const where = new Where();
  where.add((p) => `name = ${p()}`, name);
  for (const [key, value] of Object.entries(unique)) {
    if (key === 'data' || key.startsWith('data.')) {
      const path = key === 'data' ? [] : key.slice('data.'.length).split('.');
      where.add((p) => `data #> ${p()}::text[] IS NOT DISTINCT FROM ${p()}::jsonb`, path, JSON.stringify(value ?? null));
      continue;
    }
    for (const [column, encoded] of Object.entries(uniqueFieldColumns(key, value))) {
      where.add((p) => `${column} IS NOT DISTINCT FROM ${p()}`, encoded);
    }
  }
  return where;
}

function orderBy(sort: JobsSort | undefined): string {
  const parts: string[] = [];
  for (const [field, direction] of Object.entries(sort ?? {})) {
    if (direction === undefined || !Object.hasOwn(SORT_COLUMNS, field)) continue;
    const column = SORT_COLUMNS[field as keyof JobsSort];
    parts.push(`${column === 'data' ? 'data::text' : column} ${direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
  }
  // pos last: equal keys keep insertion order, so skip/limit pages do not overlap.
  return `${parts.length > 0 ? parts.join(', ') : DEFAULT_QUERY_ORDER}, pos ASC`;
}

function toJob(row: JobRow): StoredJob {
  return jobFromRow(row, row.data === null ? undefined : row.data);
}
