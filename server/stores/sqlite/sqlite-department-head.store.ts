import type Database from 'better-sqlite3';

import type { DepartmentHeadStore } from '../../departments/department-head.store.js';

export class SqliteDepartmentHeadStore implements DepartmentHeadStore {
  private readonly rows: Database.Statement<[], { department_id: string; username: string }>;
  private readonly upsert: Database.Statement<[string, string]>;
  private readonly remove: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.rows = db.prepare('SELECT department_id, username FROM department_heads ORDER BY department_id');
    this.upsert = db.prepare('INSERT INTO department_heads (department_id, username) VALUES (?, ?) ON CONFLICT (department_id) DO UPDATE SET username = excluded.username');
    this.remove = db.prepare('DELETE FROM department_heads WHERE department_id = ?');
  }

  async all(): Promise<Record<string, string>> {
    return Object.fromEntries(this.rows.all().map((row) => [row.department_id, row.username]));
  }

  async set(departmentId: string, username: string | null): Promise<void> {
    if (username === null) this.remove.run(departmentId);
    else this.upsert.run(departmentId, username);
  }
}
