import type Database from 'better-sqlite3';

/** Four-eyes requests of interventions (issue 18): pending until a second admin decides. */
export function migrateOperations(db: Database.Database): void {
  db.exec(`
    CREATE TABLE approvals (
      id           TEXT PRIMARY KEY,
      kind         TEXT NOT NULL,
      instance_id  TEXT,
      request      TEXT NOT NULL,
      reason       TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      status       TEXT NOT NULL,
      decided_by   TEXT,
      decided_at   TEXT,
      note         TEXT
    );
    CREATE INDEX approvals_status ON approvals (status, requested_at);
  `);
}

/** Department heads (issue 18), beside the departments table. */
export function migrateDepartmentHeads(db: Database.Database): void {
  db.exec(`
    CREATE TABLE department_heads (
      department_id TEXT PRIMARY KEY REFERENCES departments (id),
      username      TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
