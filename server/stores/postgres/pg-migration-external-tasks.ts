import type { PgMigration } from './pg-schema.js';

/**
 * External tasks, as on SQLite (sqlite-migration-external-tasks.ts): service tasks waiting for a
 * worker and call activities waiting for their child instance. Written with the step that opens
 * or closes them; the lock columns are written by fetch-and-lock, so locks survive a restart.
 * `pos` orders ties where SQLite used rowid.
 */
export const externalTasksMigration: PgMigration = {
  name: 'external-tasks',
  sql: `
    CREATE TABLE external_tasks (
      id                text PRIMARY KEY,
      instance_id       text NOT NULL REFERENCES instances (id),
      execution_id      text NOT NULL,
      element_id        text NOT NULL,
      topic             text NOT NULL,
      process_key       text NOT NULL,
      ticket_number     text NOT NULL,
      business_key      text,
      status            text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled', 'incident')),
      kind              text NOT NULL CHECK (kind IN ('worker', 'call')),
      child_instance_id text,
      input             json NOT NULL,
      headers           json NOT NULL,
      retries           integer,
      error_message     text,
      worker_id         text,
      lock_expires_at   timestamptz,
      available_at      timestamptz,
      created_at        timestamptz NOT NULL,
      updated_at        timestamptz NOT NULL,
      pos               bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX external_tasks_instance ON external_tasks (instance_id, created_at, pos);
    CREATE INDEX external_tasks_open ON external_tasks (topic, created_at, pos) WHERE status = 'open';
    CREATE INDEX external_tasks_child ON external_tasks (child_instance_id) WHERE child_instance_id IS NOT NULL;
  `,
};
