import type { PgMigration } from './pg-schema.js';

/** Customer status links, feedback and uploads, as on SQLite (sqlite-migration-customer.ts). */
export const customerMigration: PgMigration = {
  name: 'customer',
  sql: `
    CREATE TABLE customer_tickets (
      token_hash  text PRIMARY KEY,
      instance_id text NOT NULL UNIQUE REFERENCES instances (id),
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL
    );

    CREATE TABLE customer_feedback (
      instance_id text PRIMARY KEY REFERENCES instances (id),
      rating      integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment     text NOT NULL,
      created_at  timestamptz NOT NULL
    );

    CREATE TABLE customer_uploads (
      id           text PRIMARY KEY,
      instance_id  text NOT NULL REFERENCES instances (id),
      task_id      text NOT NULL,
      field        text NOT NULL,
      filename     text NOT NULL,
      content_type text NOT NULL,
      size         integer NOT NULL,
      sha256       text NOT NULL,
      data         bytea NOT NULL,
      created_at   timestamptz NOT NULL,
      pos          bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX customer_uploads_instance ON customer_uploads (instance_id);
  `,
};
