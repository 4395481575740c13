import type { PgMigration } from './pg-schema.js';

/** Payloads of live events too large for a NOTIFY, as @socket.io/postgres-adapter expects them (pg-live-bus.ts). */
export const liveMigration: PgMigration = {
  name: 'live',
  sql: `
    CREATE TABLE socket_io_attachments (
      id         bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload    bytea
    );
  `,
};
