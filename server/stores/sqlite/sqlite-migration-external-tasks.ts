import type Database from 'better-sqlite3';

/**
 * External tasks (issue 19): service tasks waiting for a worker, and call activities of other
 * deployments waiting for their child instance. Written with the step that opens
 * or closes them; the lock columns are written by fetch-and-lock, so locks survive a restart.
 */
export function migrateExternalTasks(db: Database.Database): void {
  db.exec(`
    CREATE TABLE external_tasks (
      id              TEXT PRIMARY KEY,
      instance_id     TEXT NOT NULL REFERENCES instances (id),
      execution_id    TEXT NOT NULL,
      element_id      TEXT NOT NULL,
      topic           TEXT NOT NULL,
      process_key     TEXT NOT NULL,
      ticket_number   TEXT NOT NULL,
      business_key    TEXT,
      status          TEXT NOT NULL CHECK (status IN ('open', 'completed', 'cancelled', 'incident')),
      kind            TEXT NOT NULL CHECK (kind IN ('worker', 'call')),
      child_instance_id TEXT,
      input           TEXT NOT NULL,
      headers         TEXT NOT NULL,
      retries         INTEGER,
      error_message   TEXT,
      worker_id       TEXT,
      lock_expires_at TEXT,
      available_at    TEXT,
      created_at      TEXT NOT NULL,
      updated_at      TEXT NOT NULL
    );
    CREATE INDEX external_tasks_instance ON external_tasks (instance_id);
    CREATE INDEX external_tasks_open ON external_tasks (topic, created_at) WHERE status = 'open';
    CREATE INDEX external_tasks_child ON external_tasks (child_instance_id) WHERE child_instance_id IS NOT NULL;
  `);
}
