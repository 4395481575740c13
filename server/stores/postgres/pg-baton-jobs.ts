import type pg from 'pg';

import { query } from './pg-pool.js';

/** A Baton-owned agenda job as stored: its id and its data (which carries `dueMs`). */
export interface BatonJobRow extends Record<string, unknown> {
  id: string;
  data: Record<string, unknown>;
}

/** The due instant of Baton's jobs, as the agenda_jobs_baton_due index has it. */
export const DUE_MS = `((data ->> 'dueMs')::bigint)`;

/**
 * The reads Baton's own job kinds (timers, process starts) share: by id, and due by `data.dueMs`
 * (not next_run_at, which agenda nulls while a job runs). Each kind is one job name.
 */
export class BatonJobQueries {
  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
  ) {}

  async due(at: Date, limit: number): Promise<BatonJobRow[]> {
    const result = await query<BatonJobRow>(this.pool, {
      name: 'baton.jobs.due',
      text: `SELECT id, data FROM agenda_jobs WHERE name = $1 AND ${DUE_MS} <= $2 ORDER BY ${DUE_MS}, id COLLATE "C" LIMIT $3`,
      values: [this.name, at.getTime(), limit],
    });
    return result.rows;
  }

  async byId(id: string): Promise<BatonJobRow | undefined> {
    const result = await query<BatonJobRow>(this.pool, { name: 'baton.jobs.byId', text: 'SELECT id, data FROM agenda_jobs WHERE name = $1 AND id = $2', values: [this.name, id] });
    return result.rows[0];
  }
}
