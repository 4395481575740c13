import type Database from 'better-sqlite3';

/**
 * Language and notifications (issue 14): each person's language and notification settings, and
 * the notifications staff get in the browser (also the record that a notification was sent once).
 */
export function migrateNotifications(db: Database.Database): void {
  db.exec(`
    CREATE TABLE user_preferences (
      username      TEXT PRIMARY KEY,
      lang          TEXT,
      email         TEXT,
      notifications TEXT NOT NULL,
      updated_at    TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE notifications (
      id            TEXT PRIMARY KEY,
      username      TEXT NOT NULL,
      kind          TEXT NOT NULL,
      instance_id   TEXT,
      ticket_number TEXT,
      task_id       TEXT,
      data          TEXT NOT NULL,
      dedupe_key    TEXT NOT NULL,
      browser       INTEGER NOT NULL,
      created_at    TEXT NOT NULL,
      read_at       TEXT,
      UNIQUE (username, dedupe_key)
    );
    CREATE INDEX notifications_inbox ON notifications (username, created_at) WHERE browser = 1;
  `);
}
