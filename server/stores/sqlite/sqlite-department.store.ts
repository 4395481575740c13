import type Database from 'better-sqlite3';
import type { DepartmentRecord } from '../../departments/department.js';
import type { DepartmentStore } from '../../departments/department.store.js';

interface DepartmentRow {
  id: string;
  name: string;
  parent_id: string | null;
}

export class SqliteDepartmentStore implements DepartmentStore {
  private readonly upsertRow: Database.Statement<[DepartmentRow]>;
  private readonly byId: Database.Statement<[string], DepartmentRow>;
  private readonly all: Database.Statement<[], DepartmentRow>;

  constructor(db: Database.Database) {
    this.upsertRow = db.prepare(
      `INSERT INTO departments (id, name, parent_id) VALUES (@id, @name, @parent_id)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id`,
    );
    this.byId = db.prepare('SELECT id, name, parent_id FROM departments WHERE id = ?');
    this.all = db.prepare('SELECT id, name, parent_id FROM departments ORDER BY id');
  }

  async upsert(department: DepartmentRecord): Promise<void> {
    this.upsertRow.run({ id: department.id, name: department.name, parent_id: department.parentId });
  }

  async get(id: string): Promise<DepartmentRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toDepartment(row);
  }

  async list(): Promise<DepartmentRecord[]> {
    return this.all.all().map(toDepartment);
  }
}

function toDepartment(row: DepartmentRow): DepartmentRecord {
  return { id: row.id, name: row.name, parentId: row.parent_id };
}
