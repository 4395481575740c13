import type pg from 'pg';

import type { DepartmentRecord } from '../../departments/department.js';
import type { DepartmentStore } from '../../departments/department.store.js';
import { query } from './pg-pool.js';

interface DepartmentRow extends Record<string, unknown> {
  id: string;
  name: string;
  parent_id: string | null;
}

export class PgDepartmentStore implements DepartmentStore {
  constructor(private readonly pool: pg.Pool) {}

  async upsert(department: DepartmentRecord): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO departments (id, name, parent_id) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id`,
      [department.id, department.name, department.parentId],
    );
  }

  async get(id: string): Promise<DepartmentRecord | null> {
    const row = (await query<DepartmentRow>(this.pool, 'SELECT id, name, parent_id FROM departments WHERE id = $1', [id])).rows[0];
    return row === undefined ? null : toDepartment(row);
  }

  async list(): Promise<DepartmentRecord[]> {
    return (await query<DepartmentRow>(this.pool, 'SELECT id, name, parent_id FROM departments ORDER BY id COLLATE "C"')).rows.map(toDepartment);
  }
}

function toDepartment(row: DepartmentRow): DepartmentRecord {
  return { id: row.id, name: row.name, parentId: row.parent_id };
}
