import type Database from 'better-sqlite3';

/**
 * People and access (issue 4): users, their sign-in credentials, and what the inbox needs on a
 * task (its own version for optimistic actions, its owner history, why it was routed where,
 * its form fields).
 */
export function migratePeople(db: Database.Database): void {
  db.exec(`
    CREATE TABLE users (
      id            TEXT PRIMARY KEY,
      username      TEXT NOT NULL UNIQUE,
      display_name  TEXT NOT NULL,
      role          TEXT NOT NULL,
      departments   TEXT NOT NULL,
      skills        TEXT NOT NULL,
      disabled      INTEGER NOT NULL,
      password_hash TEXT NOT NULL,
      created_at    TEXT NOT NULL,
      updated_at    TEXT NOT NULL
    );

    -- Sessions and bearer tokens; the secret itself is never stored, only its sha256.
    CREATE TABLE credentials (
      id          TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL UNIQUE,
      kind        TEXT NOT NULL,
      user_id     TEXT NOT NULL REFERENCES users (id),
      csrf_token  TEXT,
      created_at  TEXT NOT NULL,
      expires_at  TEXT NOT NULL
    );
    CREATE INDEX credentials_user ON credentials (user_id);
    CREATE INDEX credentials_expires ON credentials (expires_at);

    ALTER TABLE tasks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE tasks ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE tasks ADD COLUMN routing_reason TEXT;
    ALTER TABLE tasks ADD COLUMN form TEXT;
  `);
}
