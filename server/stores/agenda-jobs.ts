import { toJobId, type JobParameters, type JobsSort } from 'agenda';

import type { ClaimedTimer, JobRef } from '../timers/timer-jobs.js';

/**
 * The `agenda_jobs` table as both adapters keep it (column for column, the same encodings):
 * which columns there are, how a job's fields become column values and how a row becomes a job
 * again. The SQLite and PostgreSQL job repositories differ only in their SQL and how `data` is
 * stored (text there, jsonb here), so they share this.
 */

export type SqlValue = string | number | null;
export type Columns = Record<string, SqlValue>;

/** A row of `agenda_jobs`; `Data` is how the adapter reads the `data` column back (text or parsed jsonb). */
export interface AgendaJobRow<Data = unknown> {
  id: string;
  name: string;
  priority: number;
  next_run_at: number | null;
  type: string;
  locked_at: number | null;
  last_run_at: number | null;
  last_finished_at: number | null;
  failed_at: number | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_interval_numeric: number;
  repeat_timezone: string | null;
  repeat_at: string | null;
  disabled: number;
  progress: number | null;
  data: Data;
  unique_json: string | null;
  last_modified_by: string | null;
  start_date: number | null;
  end_date: number | null;
  skip_days: string | null;
  debounce_started_at: number | null;
  fork: number | null;
  generation: string;
  instance_id: string | null;
}

/** What a batch claim of due timer jobs reads back (timers/timer-jobs.ts). */
export interface ClaimedJobRow {
  id: string;
  instance_id: string | null;
  generation: string;
  next_run_at: number | null;
  due_ms: number | null;
}

/**
 * A job as the repositories hand it out: agenda's parameters plus the row's `generation`. agenda
 * copies unknown properties into `job.attrs` and passes them back to saveJobState, which is how a
 * run learns that the row was rescheduled (or re-created) while it was running.
 */
export type StoredJob<DATA = unknown> = JobParameters<DATA> & { generation: string };

export const COLUMNS = [
  'id',
  'name',
  'priority',
  'next_run_at',
  'type',
  'locked_at',
  'last_run_at',
  'last_finished_at',
  'failed_at',
  'fail_count',
  'fail_reason',
  'repeat_interval',
  'repeat_interval_numeric',
  'repeat_timezone',
  'repeat_at',
  'disabled',
  'progress',
  'data',
  'unique_json',
  'last_modified_by',
  'start_date',
  'end_date',
  'skip_days',
  'debounce_started_at',
  'fork',
  'generation',
  'instance_id',
] as const;

// Same order as agenda's own backends (the agenda_jobs_next_to_run index): due first, then the more important.
export const NEXT_TO_RUN_ORDER = 'next_run_at ASC NULLS LAST, priority DESC';

type Encoder = (value: unknown) => Columns;

/** How each persisted JobParameters field maps onto columns; `_id` and `uniqueOpts` are not stored. */
const ENCODERS = {
  name: (value) => ({ name: requireString('name', value) }),
  priority: (value) => ({ priority: value == null ? 0 : requireNumber('priority', value) }),
  nextRunAt: (value) => ({ next_run_at: toMs('nextRunAt', value) }),
  type: (value) => ({ type: toJobType(value ?? 'normal') }),
  repeatInterval: (value) => ({
    repeat_interval: value == null ? null : String(requireStringOrNumber('repeatInterval', value)),
    repeat_interval_numeric: typeof value === 'number' ? 1 : 0,
  }),
  repeatTimezone: (value) => ({ repeat_timezone: optionalString('repeatTimezone', value) }),
  repeatAt: (value) => ({ repeat_at: optionalString('repeatAt', value) }),
  disabled: (value) => ({ disabled: value === true ? 1 : 0 }),
  data: (value) => ({
    data: value === undefined ? null : JSON.stringify(value),
    instance_id: instanceIdOf(value),
  }),
  unique: (value) => ({ unique_json: value == null ? null : JSON.stringify(value) }),
  startDate: (value) => ({ start_date: toMs('startDate', value) }),
  endDate: (value) => ({ end_date: toMs('endDate', value) }),
  skipDays: (value) => ({ skip_days: value == null ? null : JSON.stringify(toSkipDays(value)) }),
  debounceStartedAt: (value) => ({ debounce_started_at: toMs('debounceStartedAt', value) }),
  fork: (value) => ({ fork: value == null ? null : value === true ? 1 : 0 }),
  // Below: agenda's processor-managed fields (Job.PROCESSOR_MANAGED_FIELDS).
  lockedAt: (value) => ({ locked_at: toMs('lockedAt', value) }),
  lastRunAt: (value) => ({ last_run_at: toMs('lastRunAt', value) }),
  lastFinishedAt: (value) => ({ last_finished_at: toMs('lastFinishedAt', value) }),
  failedAt: (value) => ({ failed_at: toMs('failedAt', value) }),
  failCount: (value) => ({ fail_count: value == null ? null : requireNumber('failCount', value) }),
  failReason: (value) => ({ fail_reason: optionalString('failReason', value) }),
  progress: (value) => ({ progress: value == null ? null : requireNumber('progress', value) }),
} satisfies { [K in keyof JobParameters]?: Encoder };

export type EncodedField = keyof typeof ENCODERS;

const RUN_STATE_FIELDS: readonly EncodedField[] = ['lockedAt', 'lastRunAt', 'lastFinishedAt', 'failedAt', 'failCount', 'failReason', 'progress'];
// Object.keys is typed string[]; these are exactly ENCODERS' own keys.
export const ALL_FIELDS = Object.keys(ENCODERS) as EncodedField[];
export const DEFINITION_FIELDS = ALL_FIELDS.filter((field) => !RUN_STATE_FIELDS.includes(field));

export const SORT_COLUMNS: { readonly [K in keyof Required<JobsSort>]: string } = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  priority: 'priority',
  name: 'name',
  data: 'data',
};
export const DEFAULT_QUERY_ORDER = 'next_run_at DESC NULLS LAST, last_run_at DESC NULLS LAST';

/** Columns for the fields of `job` that are own properties (present but undefined clears). */
export function encode(job: JobParameters, fields: readonly EncodedField[]): Columns {
  const columns: Columns = {};
  for (const field of fields) {
    if (Object.hasOwn(job, field)) Object.assign(columns, ENCODERS[field](job[field]));
  }
  return columns;
}

/** The columns a top-level job field in agenda's `unique` query compares, encoded as stored; a field that is not stored is refused. */
export function uniqueFieldColumns(key: string, value: unknown): Columns {
  if (!Object.hasOwn(ENCODERS, key)) throw new Error(`unique key ${key} is not supported`);
  // Narrowed by the hasOwn check above.
  return ENCODERS[key as EncodedField](value);
}

/** Every column of a new row: agenda's defaults, the job's fields, then `overrides`, the id, a fresh generation. */
export function insertColumns(id: string, job: JobParameters, lastModifiedBy: string | null, generation: string, overrides: Columns = {}): Columns {
  return {
    ...Object.fromEntries(COLUMNS.map((column) => [column, null])),
    priority: 0,
    type: 'normal',
    repeat_interval_numeric: 0,
    disabled: 0,
    ...encode(job, ALL_FIELDS),
    ...overrides,
    id,
    generation,
    last_modified_by: lastModifiedBy,
  };
}

/** The job a row holds; `data` as the adapter decoded it. */
export function jobFromRow(row: AgendaJobRow, data: unknown): StoredJob {
  const job: StoredJob = {
    _id: toJobId(row.id),
    name: row.name,
    priority: row.priority,
    nextRunAt: fromMs(row.next_run_at),
    type: toJobType(row.type),
    data,
    disabled: row.disabled === 1,
    generation: row.generation,
  };
  if (row.locked_at !== null) job.lockedAt = new Date(row.locked_at);
  if (row.last_run_at !== null) job.lastRunAt = new Date(row.last_run_at);
  if (row.last_finished_at !== null) job.lastFinishedAt = new Date(row.last_finished_at);
  if (row.failed_at !== null) job.failedAt = new Date(row.failed_at);
  if (row.fail_count !== null) job.failCount = row.fail_count;
  if (row.fail_reason !== null) job.failReason = row.fail_reason;
  if (row.repeat_interval !== null) job.repeatInterval = row.repeat_interval_numeric === 1 ? Number(row.repeat_interval) : row.repeat_interval;
  if (row.repeat_timezone !== null) job.repeatTimezone = row.repeat_timezone;
  if (row.repeat_at !== null) job.repeatAt = row.repeat_at;
  if (row.progress !== null) job.progress = row.progress;
  if (row.unique_json !== null) {
    const unique: unknown = JSON.parse(row.unique_json);
    if (isPlainObject(unique)) job.unique = unique;
  }
  if (row.last_modified_by !== null) job.lastModifiedBy = row.last_modified_by;
  if (row.start_date !== null) job.startDate = new Date(row.start_date);
  if (row.end_date !== null) job.endDate = new Date(row.end_date);
  if (row.skip_days !== null) job.skipDays = toSkipDays(JSON.parse(row.skip_days));
  if (row.debounce_started_at !== null) job.debounceStartedAt = new Date(row.debounce_started_at);
  if (row.fork !== null) job.fork = row.fork === 1;
  return job;
}

/** A claimed row as the batch worker needs it (Baton writes every timer job with its instance and due instant). */
export function toClaimed(row: ClaimedJobRow): ClaimedTimer {
  return { id: row.id, instanceId: row.instance_id ?? '', generation: row.generation, dueMs: row.due_ms ?? row.next_run_at ?? 0 };
}

/** A job reference in agenda's job shape: the repositories compare generations on it (the generation rides along as an extra attribute). */
export function jobRefParameters(job: JobRef): JobParameters & { generation?: string } {
  return { _id: toJobId(job.id), name: '', priority: 0, nextRunAt: null, type: 'normal', data: undefined, ...(job.generation === null ? {} : { generation: job.generation }) };
}

export function generationOf(job: JobParameters): string | null {
  return 'generation' in job && typeof job.generation === 'string' ? job.generation : null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** agenda hands out Dates, but a job that went through JSON (fork mode) carries strings. */
export function toMs(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`job field ${field} must be a date`);
  }
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) throw new TypeError(`job field ${field} is not a valid date`);
  return ms;
}

function instanceIdOf(data: unknown): string | null {
  return isPlainObject(data) && typeof data['instanceId'] === 'string' ? data['instanceId'] : null;
}

function fromMs(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}

function toJobType(value: unknown): 'normal' | 'single' {
  if (value === 'normal' || value === 'single') return value;
  throw new TypeError(`job type must be 'normal' or 'single', got ${String(value)}`);
}

function toSkipDays(value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((day) => Number.isInteger(day))) {
    throw new TypeError('job field skipDays must be an array of weekday numbers');
  }
  return value.map(Number);
}

function requireString(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`job field ${field} must be a string`);
  return value;
}

function optionalString(field: string, value: unknown): string | null {
  return value == null ? null : requireString(field, value);
}

function requireNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`job field ${field} must be a finite number`);
  }
  return value;
}

function requireStringOrNumber(field: string, value: unknown): string | number {
  if (typeof value === 'number') return requireNumber(field, value);
  return requireString(field, value);
}
