import type Database from 'better-sqlite3';

/**
 * Customer intake and ticket status (issue 8): the status links handed to customers (only the
 * sha256 of their token), the feedback left on a finished ticket, and files customers upload
 * when a task waits on them (kept in the database so a backup of the file carries them).
 */
export function migrateCustomer(db: Database.Database): void {
  db.exec(`
    CREATE TABLE customer_tickets (
      token_hash  TEXT PRIMARY KEY,
      instance_id TEXT NOT NULL UNIQUE REFERENCES instances (id),
      created_at  TEXT NOT NULL,
      expires_at  TEXT NOT NULL
    ) WITHOUT ROWID;

    -- One feedback per ticket: the primary key is what refuses a second one.
    CREATE TABLE customer_feedback (
      instance_id TEXT PRIMARY KEY REFERENCES instances (id),
      rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment     TEXT NOT NULL,
      created_at  TEXT NOT NULL
    );

    CREATE TABLE customer_uploads (
      id           TEXT PRIMARY KEY,
      instance_id  TEXT NOT NULL REFERENCES instances (id),
      task_id      TEXT NOT NULL,
      field        TEXT NOT NULL,
      filename     TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size         INTEGER NOT NULL,
      sha256       TEXT NOT NULL,
      data         BLOB NOT NULL,
      created_at   TEXT NOT NULL
    );
    CREATE INDEX customer_uploads_instance ON customer_uploads (instance_id);
  `);
}
