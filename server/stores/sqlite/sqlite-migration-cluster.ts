import type Database from 'better-sqlite3';

/**
 * State that used to live in one process's memory and must be shared by every node on one
 * database (issue 13): the attempt counters of the sign-in and intake limits (instants in epoch
 * milliseconds), and secrets the nodes share without configuration (the intake stamp key).
 */
export function migrateCluster(db: Database.Database): void {
  db.exec(`
    CREATE TABLE rate_limits (
      key           TEXT PRIMARY KEY,
      hits          INTEGER NOT NULL,
      reset_at      INTEGER NOT NULL,
      blocked_until INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX rate_limits_ended ON rate_limits (reset_at);

    CREATE TABLE shared_secrets (
      name       TEXT PRIMARY KEY,
      value      TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
}
