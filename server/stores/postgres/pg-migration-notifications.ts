import type { PgMigration } from './pg-schema.js';

/** Language and notifications, as on SQLite (sqlite-migration-notifications.ts). */
export const notificationsMigration: PgMigration = {
  name: 'notifications',
  sql: `
    CREATE TABLE user_preferences (
      username      text PRIMARY KEY,
      lang          text,
      email         text,
      notifications jsonb NOT NULL,
      updated_at    timestamptz NOT NULL
    );

    CREATE TABLE notifications (
      id            text PRIMARY KEY,
      username      text NOT NULL,
      kind          text NOT NULL,
      instance_id   text,
      ticket_number text,
      task_id       text,
      data          jsonb NOT NULL,
      dedupe_key    text NOT NULL,
      browser       boolean NOT NULL,
      created_at    timestamptz NOT NULL,
      read_at       timestamptz,
      pos           bigint GENERATED ALWAYS AS IDENTITY,
      UNIQUE (username, dedupe_key)
    );
    CREATE INDEX notifications_inbox ON notifications (username, created_at) WHERE browser;
  `,
};
