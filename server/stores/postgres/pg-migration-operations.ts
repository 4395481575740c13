import type { PgMigration } from './pg-schema.js';

/**
 * Operations, as on SQLite (sqlite-migration-operations.ts): four-eyes requests of interventions
 * and department heads. Also what the operations and admin pages read: open incidents oldest
 * first, and a user's credentials newest first (`pos` orders ties where SQLite used rowid).
 */
export const operationsMigration: PgMigration = {
  name: 'operations',
  sql: `
    CREATE TABLE approvals (
      id           text PRIMARY KEY,
      kind         text NOT NULL,
      instance_id  text,
      request      json NOT NULL,
      reason       text NOT NULL,
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL,
      status       text NOT NULL,
      decided_by   text,
      decided_at   timestamptz,
      note         text,
      pos          bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX approvals_status ON approvals (status, requested_at DESC, pos DESC);
    CREATE INDEX approvals_requested_at ON approvals (requested_at DESC, pos DESC);

    CREATE TABLE department_heads (
      department_id text PRIMARY KEY REFERENCES departments (id),
      username      text NOT NULL
    );

    CREATE INDEX incidents_open ON incidents (created_at, pos) WHERE status = 'open';

    ALTER TABLE credentials ADD COLUMN pos bigint GENERATED ALWAYS AS IDENTITY;
    CREATE INDEX credentials_user_created ON credentials (user_id, created_at DESC, pos DESC);
  `,
};
