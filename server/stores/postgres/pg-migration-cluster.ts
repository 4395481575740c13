import type { PgMigration } from './pg-schema.js';

/** Shared limits and secrets, as on SQLite (sqlite-migration-cluster.ts). */
export const clusterMigration: PgMigration = {
  name: 'cluster',
  sql: `
    CREATE TABLE rate_limits (
      key           text PRIMARY KEY,
      hits          integer NOT NULL,
      reset_at      bigint NOT NULL,
      blocked_until bigint NOT NULL
    );
    CREATE INDEX rate_limits_ended ON rate_limits (reset_at);

    CREATE TABLE shared_secrets (
      name       text PRIMARY KEY,
      value      text NOT NULL,
      created_at timestamptz NOT NULL
    );
  `,
};
