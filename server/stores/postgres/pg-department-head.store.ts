import type pg from 'pg';

import type { DepartmentHeadStore } from '../../departments/department-head.store.js';
import { query } from './pg-pool.js';

export class PgDepartmentHeadStore implements DepartmentHeadStore {
  constructor(private readonly pool: pg.Pool) {}

  async all(): Promise<Record<string, string>> {
    const result = await query<{ department_id: string; username: string }>(this.pool, 'SELECT department_id, username FROM department_heads ORDER BY department_id COLLATE "C"');
    return Object.fromEntries(result.rows.map((row) => [row.department_id, row.username]));
  }

  async set(departmentId: string, username: string | null): Promise<void> {
    if (username === null) await query(this.pool, 'DELETE FROM department_heads WHERE department_id = $1', [departmentId]);
    else {
      await query(this.pool, 'INSERT INTO department_heads (department_id, username) VALUES ($1, $2) ON CONFLICT (department_id) DO UPDATE SET username = excluded.username', [departmentId, username]);
    }
  }
}
