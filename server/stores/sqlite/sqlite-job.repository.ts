import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { computeJobState, toJobId } from 'agenda';
import type { JobId, JobParameters, JobRepository, JobRepositoryOptions, JobsOverview, JobsQueryOptions, JobsResult, JobsSort, JobWithState, RemoveJobsOptions } from 'agenda';

import {
  ALL_FIELDS,
  COLUMNS,
  DEFAULT_QUERY_ORDER,
  DEFINITION_FIELDS,
  encode,
  generationOf,
  insertColumns,
  isPlainObject,
  jobFromRow,
  NEXT_TO_RUN_ORDER,
  SORT_COLUMNS,
  toMs,
  uniqueFieldColumns,
  type AgendaJobRow,
  type Columns,
  type SqlValue,
  type StoredJob,
} from '../agenda-jobs.js';

/** `data` is JSON text on SQLite. */
type JobRow = AgendaJobRow<string | null>;

const INSERT_SQL = `INSERT INTO agenda_jobs (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((column) => `@${column}`).join(', ')})`;

interface Where {
  clauses: string[];
  params: SqlValue[];
}

/**
 * agenda's JobRepository on Baton's SQLite database (table `agenda_jobs`, schema migration 2).
 * Semantics follow agenda's own backends (lock only an unchanged row, unlock only rows that still have
 * a next run) with two deliberate differences, both because Baton writes timer jobs in its own
 * transactions while agenda may hold them:
 * - saveJobState on a row that no longer exists does nothing instead of throwing;
 * - saveJobState keeps the row's next_run_at when the row's generation differs from the one the
 *   run was handed, so a run that finishes after a reschedule cannot erase the new schedule.
 */
export class SqliteJobRepository implements JobRepository {
  private readonly statements = new Map<string, Database.Statement<SqlValue[], JobRow>>();
  private readonly byId: Database.Statement<[string], JobRow>;
  private readonly insertRow: Database.Statement<[Columns]>;
  private readonly nextToRun: Database.Statement<[Columns], JobRow>;
  private readonly lockIfUnchanged: Database.Statement<[Columns], JobRow>;
  private readonly writeState: Database.Statement<[Columns]>;
  private readonly unlockRunnable: Database.Statement<[string]>;
  private readonly deleteIds: Database.Statement<[string]>;
  private readonly generationOfRow: Database.Statement<[string], { generation: string }>;
  private readonly ofInstance: Database.Statement<[string], JobRow>;
  private readonly ofInstanceNamed: Database.Statement<[string, string], JobRow>;
  private readonly findAndLock: Database.Transaction<(args: Columns) => JobRow | undefined>;
  private readonly save: Database.Transaction<(job: JobParameters, lastModifiedBy: string | null) => JobRow | undefined>;
  private readonly upsert: Database.Transaction<(job: JobParameters) => void>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agenda_jobs'").get();
    if (table === undefined) {
      throw new Error('table agenda_jobs is missing: open the database with openSqliteStore');
    }
    this.byId = db.prepare('SELECT * FROM agenda_jobs WHERE id = ?');
    this.insertRow = db.prepare(INSERT_SQL);
    // Unlocked and due by the next scan, or locked by a worker whose lock has expired (it died or
    // overran): the second case is how a crashed node's job gets run again. The two cases are two
    // range scans of agenda_jobs_next_to_run, each taking its first row, and the earlier of the two
    // wins: written as one OR, SQLite reads every job of the name (O(pending) per lock, which made
    // a burst of due timers lock slower than their lock lifetime).
    this.nextToRun = db.prepare(
      `UPDATE agenda_jobs SET locked_at = @lock_time, last_modified_by = @by
       WHERE id = (
         SELECT id FROM (
           SELECT * FROM (
             SELECT id, next_run_at, priority FROM agenda_jobs
             WHERE name = @name AND disabled = 0 AND locked_at IS NULL AND next_run_at <= @next_scan_at
             ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT 1)
           UNION ALL
           SELECT * FROM (
             SELECT id, next_run_at, priority FROM agenda_jobs
             WHERE name = @name AND disabled = 0 AND locked_at <= @lock_deadline
             ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT 1))
         ORDER BY ${NEXT_TO_RUN_ORDER}
         LIMIT 1)
       RETURNING *`,
    );
    // `IS` so that a job whose next run is null matches a caller that saw it null.
    this.lockIfUnchanged = db.prepare(
      `UPDATE agenda_jobs SET locked_at = @lock_time, last_modified_by = @by
       WHERE id = @id AND name = @name AND locked_at IS NULL AND next_run_at IS @next_run_at
         AND disabled = 0
       RETURNING *`,
    );
    this.writeState = db.prepare(
      `UPDATE agenda_jobs SET
         locked_at = @locked_at,
         next_run_at = CASE WHEN @generation IS NULL OR generation = @generation
                            THEN @next_run_at ELSE next_run_at END,
         last_run_at = @last_run_at,
         progress = @progress,
         fail_reason = @fail_reason,
         fail_count = @fail_count,
         failed_at = @failed_at,
         last_finished_at = @last_finished_at,
         last_modified_by = @by
       WHERE id = @id AND name = @name`,
    );
    // A running one-shot job has next_run_at null; dropping its lock would leave a row that
    // nothing ever picks up again if this process then died, so such rows keep their lock.
    this.unlockRunnable = db.prepare(
      `UPDATE agenda_jobs SET locked_at = NULL
       WHERE id IN (SELECT value FROM json_each(?)) AND next_run_at IS NOT NULL`,
    );
    this.deleteIds = db.prepare('DELETE FROM agenda_jobs WHERE id IN (SELECT value FROM json_each(?))');
    this.generationOfRow = db.prepare('SELECT generation FROM agenda_jobs WHERE id = ?');
    this.ofInstance = db.prepare('SELECT * FROM agenda_jobs WHERE instance_id = ? ORDER BY next_run_at ASC NULLS LAST, rowid');
    this.ofInstanceNamed = db.prepare(
      `SELECT * FROM agenda_jobs WHERE instance_id = ? AND name = ?
       ORDER BY next_run_at ASC NULLS LAST, rowid`,
    );
    this.findAndLock = db.transaction((args: Columns) => this.nextToRun.get(args));
    this.save = db.transaction((job: JobParameters, lastModifiedBy: string | null) => this.saveInTransaction(job, lastModifiedBy));
    this.upsert = db.transaction((job: JobParameters) => this.upsertInTransaction(job));
  }

  async connect(): Promise<void> {
    // Nothing to open: the store owns the connection and has migrated it.
    if (!this.db.open) throw new Error('the SQLite database behind the agenda backend is closed');
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
      // No state filter: SQLite can count and page by itself.
      const total = this.statement<{ total: number }>(`SELECT COUNT(*) AS total FROM agenda_jobs ${whereSql(where)}`).get(...where.params)?.total ?? 0;
      const rows = this.statement(`SELECT * FROM agenda_jobs ${whereSql(where)} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...where.params, limit > 0 ? limit : -1, skip);
      return { jobs: rows.map(withState), total };
    }
    // The state is computed from several timestamps against "now" (agenda's computeJobState), so
    // filter after reading, then page, as the other backends do.
    const matching = this.statement(`SELECT * FROM agenda_jobs ${whereSql(where)} ORDER BY ${order}`)
      .all(...where.params)
      .map(withState)
      .filter((job) => (state === 'paused' ? job.disabled === true : job.state === state));
    const end = limit > 0 ? skip + limit : undefined;
    return { jobs: matching.slice(skip, end), total: matching.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = this.now();
    const overviews = new Map<string, JobsOverview>();
    for (const row of this.statement('SELECT * FROM agenda_jobs ORDER BY name').all()) {
      let overview = overviews.get(row.name);
      if (!overview) {
        overview = {
          name: row.name,
          total: 0,
          running: 0,
          scheduled: 0,
          queued: 0,
          completed: 0,
          failed: 0,
          repeating: 0,
          paused: 0,
        };
        overviews.set(row.name, overview);
      }
      const job = toJob(row);
      overview.total += 1;
      overview[computeJobState(job, now)] += 1;
      // computeJobState never says 'paused'; a disabled job is counted in its timestamp state and
      // in paused, as the postgres backend does.
      if (job.disabled === true) overview.paused += 1;
    }
    return [...overviews.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    return this.statement<{ name: string }>('SELECT DISTINCT name FROM agenda_jobs ORDER BY name')
      .all()
      .map((row) => row.name);
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toJob(row);
  }

  async getQueueSize(): Promise<number> {
    return this.statement<{ size: number }>('SELECT COUNT(*) AS size FROM agenda_jobs WHERE next_run_at < ?').get(this.now().getTime())?.size ?? 0;
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const where = selectorWhere(options);
    if (where === null) return 0;
    return this.statement(`DELETE FROM agenda_jobs ${whereSql(where)}`).run(...where.params).changes;
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const row = this.save.immediate(job, options?.lastModifiedBy ?? null);
    // Like agenda's own backends: saving by id a job that has since been removed is not an error,
    // the caller gets its own data back (and nothing is re-created).
    if (row === undefined) return job;
    // DATA is what the caller stored; it comes back through JSON.
    return toJob(row) as JobParameters<DATA>;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error(`cannot save the state of job ${job.name}: it has no id`);
    // Zero rows changed means Baton removed the job meanwhile: not an error (see class comment).
    this.writeState.run({
      id: job._id,
      name: job.name,
      generation: generationOf(job),
      locked_at: toMs('lockedAt', job.lockedAt),
      next_run_at: toMs('nextRunAt', job.nextRunAt),
      last_run_at: toMs('lastRunAt', job.lastRunAt),
      progress: job.progress ?? null,
      fail_reason: job.failReason ?? null,
      fail_count: job.failCount ?? null,
      failed_at: toMs('failedAt', job.failedAt),
      last_finished_at: toMs('lastFinishedAt', job.lastFinishedAt),
      by: options?.lastModifiedBy ?? null,
    });
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const row = this.lockIfUnchanged.get({
      id: job._id,
      name: job.name,
      next_run_at: toMs('nextRunAt', job.nextRunAt),
      lock_time: this.now().getTime(),
      by: options?.lastModifiedBy ?? null,
    });
    return row === undefined ? undefined : toJob(row);
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (job._id) this.unlockRunnable.run(JSON.stringify([job._id]));
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length > 0) this.unlockRunnable.run(JSON.stringify(jobIds));
  }

  async getNextJobToRun(jobName: string, nextScanAt: Date, lockDeadline: Date, now: Date | undefined, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    // IMMEDIATE takes the write lock before the SELECT inside the UPDATE reads, so two
    // connections cannot both pick the same row; a busy writer is waited for (busy_timeout).
    const row = this.findAndLock.immediate({
      name: jobName,
      next_scan_at: nextScanAt.getTime(),
      lock_deadline: lockDeadline.getTime(),
      lock_time: (now ?? this.now()).getTime(),
      by: options?.lastModifiedBy ?? null,
    });
    return row === undefined ? undefined : toJob(row);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, 1);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.setDisabled(options, 0);
  }

  async purgeAllJobs(): Promise<number> {
    return this.statement('DELETE FROM agenda_jobs').run().changes;
  }

  /**
   * Inserts, or updates by `_id`, a job Baton owns, for use inside Baton's own transactions (nested
   * in an outer `db.transaction` it is a savepoint of it and rolls back with it). `_id` is required:
   * Baton names its jobs so it can find and remove them.
   *
   * On an existing row only definition fields present on `job` are written (next run, data,
   * priority, disabled, repeat settings, ...); the lock, last run and progress stay, so a run in
   * progress keeps its lock. The previous outcome (last finished, failure fields) is cleared: the
   * row now describes a new schedule, and agenda's backoff counts failures from failCount. A new
   * generation makes a run that started before this write leave next_run_at alone when it ends.
   * Call the backend's notify(job) after the commit so agenda sees the job before its next poll.
   */
  upsertJobSync(job: JobParameters): void {
    this.upsert.immediate(job);
  }

  /** Deletes Baton's jobs by id, in the caller's transaction if there is one; returns rows removed. */
  removeJobsSync(ids: readonly string[]): number {
    if (ids.length === 0) return 0;
    return this.deleteIds.run(JSON.stringify(ids)).changes;
  }

  /** An instance's jobs (`data.instanceId`), optionally of one name, soonest first. */
  jobsForInstanceSync(instanceId: string, name?: string): StoredJob[] {
    const rows = name === undefined ? this.ofInstance.all(instanceId) : this.ofInstanceNamed.all(instanceId, name);
    return rows.map(toJob);
  }

  /**
   * Whether `job` (typically a handler's `job.attrs`) is still what the table holds: false once
   * the row was removed or rewritten by saveJob/upsertJobSync after agenda picked it. agenda still
   * runs a job it holds in memory after that, so a handler that must not act on a stale schedule
   * checks this first; the row itself (if any) will be run again at its new time.
   */
  isCurrentSync(job: JobParameters): boolean {
    if (!job._id) return false;
    const row = this.generationOfRow.get(job._id);
    if (row === undefined) return false;
    const generation = generationOf(job);
    return generation === null || generation === row.generation;
  }

  private setDisabled(options: RemoveJobsOptions, disabled: 0 | 1): number {
    const where = selectorWhere(options);
    if (where === null) return 0;
    return this.statement(`UPDATE agenda_jobs SET disabled = ? ${whereSql(where)}`).run(disabled, ...where.params).changes;
  }

  /** Runs inside `save` (IMMEDIATE): the unique lookup and the insert cannot be split by a rival. */
  private saveInTransaction(job: JobParameters, lastModifiedBy: string | null): JobRow | undefined {
    const { _id: id, unique, uniqueOpts } = job;
    if (id) {
      const existing = this.byId.get(id);
      if (existing === undefined || existing.name !== job.name) return undefined;
      return this.update(existing.id, { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy });
    }

    if (job.type === 'single') {
      const existing = this.statement("SELECT * FROM agenda_jobs WHERE name = ? AND type = 'single'").get(job.name);
      if (existing === undefined) return this.insert(randomUUID(), job, lastModifiedBy);
      const columns: Columns = { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy };
      // every() on each start saves nextRunAt = now; a job that already has a next run keeps it,
      // otherwise a restart would run every repeating job at once.
      const nextRunAt = toMs('nextRunAt', job.nextRunAt);
      if (nextRunAt !== null && nextRunAt <= this.now().getTime() && existing.next_run_at !== null) {
        columns['next_run_at'] = existing.next_run_at;
      }
      return this.update(existing.id, columns);
    }

    if (unique) {
      const where = uniqueWhere(job.name, unique);
      const existing = this.statement(`SELECT * FROM agenda_jobs ${whereSql(where)} LIMIT 1`).get(...where.params);
      const debounce = uniqueOpts?.debounce;
      if (existing !== undefined) {
        if (uniqueOpts?.insertOnly && !debounce) return existing;
        const columns: Columns = { ...encode(job, ALL_FIELDS), last_modified_by: lastModifiedBy };
        if (debounce) Object.assign(columns, this.debounced(debounce, job, existing));
        return this.update(existing.id, columns);
      }
      if (debounce) {
        const started = this.now().getTime();
        const nextRunAt = debounce.strategy === 'leading' ? toMs('nextRunAt', job.nextRunAt) : trailingRunAt(started, started, debounce.delay, debounce.maxWait);
        return this.insert(randomUUID(), job, lastModifiedBy, {
          next_run_at: nextRunAt,
          debounce_started_at: started,
        });
      }
    }

    return this.insert(randomUUID(), job, lastModifiedBy);
  }

  /** Next run and window start for a debounced save that found `existing`. */
  private debounced(debounce: NonNullable<NonNullable<JobParameters['uniqueOpts']>['debounce']>, job: JobParameters, existing: JobRow): Columns {
    const now = this.now().getTime();
    // A window is open while a run is pending and not yet picked; once the job ran (next run
    // null) or is running (locked), a save starts a new window rather than extending a finished one.
    const open = existing.next_run_at !== null && existing.locked_at === null && existing.debounce_started_at !== null;
    const started = open && existing.debounce_started_at !== null ? existing.debounce_started_at : now;
    if (debounce.strategy === 'leading') {
      if (open && now - started < debounce.delay) {
        return { next_run_at: existing.next_run_at, debounce_started_at: started };
      }
      return { next_run_at: toMs('nextRunAt', job.nextRunAt), debounce_started_at: now };
    }
    if (debounce.maxWait !== undefined && now - started >= debounce.maxWait) {
      return { next_run_at: now, debounce_started_at: null };
    }
    return {
      next_run_at: trailingRunAt(now, started, debounce.delay, debounce.maxWait),
      debounce_started_at: started,
    };
  }

  private upsertInTransaction(job: JobParameters): void {
    const id = job._id;
    if (!id) throw new TypeError(`upsertJobSync needs a job with an _id (job ${job.name})`);
    const lastModifiedBy = job.lastModifiedBy ?? null;
    if (this.byId.get(id) === undefined) {
      this.insert(id, job, lastModifiedBy);
      return;
    }
    this.update(id, {
      ...encode(job, DEFINITION_FIELDS),
      last_finished_at: null,
      failed_at: null,
      fail_reason: null,
      fail_count: null,
      last_modified_by: lastModifiedBy,
    });
  }

  private insert(id: string, job: JobParameters, lastModifiedBy: string | null, overrides: Columns = {}): JobRow | undefined {
    const row = insertColumns(id, job, lastModifiedBy, randomUUID(), overrides);
    this.insertRow.run(row);
    return this.byId.get(id);
  }

  /** Writes `columns` and a fresh generation: every definition write is a new generation. */
  private update(id: string, columns: Columns): JobRow | undefined {
    const values: Columns = { ...columns, generation: randomUUID() };
    const names = Object.keys(values);
    return this.statement(
      `UPDATE agenda_jobs SET ${names.map((name) => `${name} = ?`).join(', ')} WHERE id = ?
       RETURNING *`,
    ).get(...names.map((name) => values[name] ?? null), id);
  }

  /** Statements whose SQL depends on the options, prepared once per distinct text. */
  private statement<Row = JobRow>(sql: string): Database.Statement<SqlValue[], Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<SqlValue[], JobRow>(sql);
      this.statements.set(sql, statement);
    }
    // The cache is keyed by SQL text, and each text is only ever used with one row shape.
    return statement as unknown as Database.Statement<SqlValue[], Row>;
  }
}

function trailingRunAt(now: number, started: number, delay: number, maxWait?: number): number {
  const runAt = now + delay;
  // maxWait bounds the whole window, so a save late in it must not push the run past the bound.
  return maxWait === undefined ? runAt : Math.min(runAt, started + maxWait);
}

function whereSql(where: Where): string {
  return where.clauses.length === 0 ? '' : `WHERE ${where.clauses.join(' AND ')}`;
}

/** `column = one` or `column IN (many)`, when either is given. */
function byOneOrMany(where: Where, column: string, one: string | undefined, many: readonly string[] | undefined): void {
  if (one) {
    where.clauses.push(`${column} = ?`);
    where.params.push(one);
  } else if (many && many.length > 0) {
    where.clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
    where.params.push(JSON.stringify(many));
  }
}

function byIds(where: Where, id: string | undefined, ids: readonly string[] | undefined): void {
  byOneOrMany(where, 'id', id, ids);
}

function byNames(where: Where, name: string | undefined, names: readonly string[] | undefined): void {
  byOneOrMany(where, 'name', name, names);
}

/** RemoveJobsOptions as remove/disable/enable read it; null when it selects nothing at all. */
function selectorWhere(options: RemoveJobsOptions): Where | null {
  const where: Where = { clauses: [], params: [] };
  byIds(where, options.id, options.ids);
  byNames(where, options.name, options.names);
  if (!options.name && !options.names?.length && options.notNames && options.notNames.length > 0) {
    where.clauses.push('name NOT IN (SELECT value FROM json_each(?))');
    where.params.push(JSON.stringify(options.notNames));
  }
  if (options.data !== undefined) dataContains(options.data, [], where);
  // Options that select nothing must not turn into "delete everything".
  return where.clauses.length === 0 ? null : where;
}

function queryWhere(options: JobsQueryOptions): Where {
  const where: Where = { clauses: [], params: [] };
  byNames(where, options.name, options.names);
  byIds(where, options.id, options.ids);
  if (options.search) {
    // A substring, not a pattern: the user's % and _ are escaped.
    where.clauses.push("name LIKE ? ESCAPE '\\'");
    where.params.push(`%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (options.data !== undefined) dataContains(options.data, [], where);
  if (options.includeDisabled === false) where.clauses.push('disabled = 0');
  return where;
}

/**
 * "data contains `filter`", like postgres `@>` for objects: every leaf of the filter must equal
 * the value at the same path. Both sides go through json_extract so numbers, strings, booleans
 * and nested JSON compare as SQLite values of the same kind; arrays compare whole.
 */
function dataContains(filter: unknown, path: string[], where: Where): void {
  if (isPlainObject(filter)) {
    const entries = Object.entries(filter);
    if (entries.length === 0) {
      where.clauses.push("json_type(data, ?) = 'object'");
      where.params.push(jsonPath(path));
      return;
    }
    for (const [key, value] of entries) dataContains(value, [...path, key], where);
    return;
  }
  where.clauses.push("json_extract(data, ?) IS json_extract(?, '$')");
  where.params.push(jsonPath(path), JSON.stringify(filter ?? null));
}

/** agenda's `unique` query: `data` / `data.a.b` paths, or top-level job fields by equality. */
function uniqueWhere(name: string, unique: Record<string, unknown>): Where {
  const where: Where = { clauses: ['name = ?'], params: [name] };
  for (const [key, value] of Object.entries(unique)) {
    if (key === 'data' || key.startsWith('data.')) {
      const path = key === 'data' ? [] : key.slice('data.'.length).split('.');
      where.clauses.push("json_extract(data, ?) IS json_extract(?, '$')");
      where.params.push(jsonPath(path), JSON.stringify(value ?? null));
      continue;
    }
    for (const [column, encoded] of Object.entries(uniqueFieldColumns(key, value))) {
      where.clauses.push(`${column} IS ?`);
      where.params.push(encoded);
    }
  }
  return where;
}

function jsonPath(path: readonly string[]): string {
  return `$${path
    .map((segment) => {
      if (segment.includes('"')) throw new Error(`data key ${segment} contains a double quote`);
      return `."${segment}"`;
    })
    .join('')}`;
}

function orderBy(sort: JobsSort | undefined): string {
  const parts: string[] = [];
  for (const [field, direction] of Object.entries(sort ?? {})) {
    if (direction === undefined || !Object.hasOwn(SORT_COLUMNS, field)) continue;
    // Narrowed by the hasOwn check above.
    const column = SORT_COLUMNS[field as keyof JobsSort];
    parts.push(`${column} ${direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
  }
  // rowid last: equal keys keep insertion order, so skip/limit pages do not overlap.
  return `${parts.length > 0 ? parts.join(', ') : DEFAULT_QUERY_ORDER}, rowid ASC`;
}

function toJob(row: JobRow): StoredJob {
  return jobFromRow(row, row.data === null ? undefined : JSON.parse(row.data));
}
