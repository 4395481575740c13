import type { PgMigration } from './pg-schema.js';

/**
 * Users and credentials, and the inbox's task columns, as on SQLite (sqlite-migration-people.ts).
 * users.departments is jsonb: "members of department X" is a containment test with an index.
 */
export const peopleMigration: PgMigration = {
  name: 'people',
  sql: `
    CREATE TABLE users (
      id            text PRIMARY KEY,
      username      text NOT NULL UNIQUE,
      display_name  text NOT NULL,
      role          text NOT NULL,
      departments   jsonb NOT NULL,
      skills        json NOT NULL,
      disabled      boolean NOT NULL,
      password_hash text NOT NULL,
      created_at    timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL
    );
    CREATE INDEX users_departments ON users USING gin (departments);

    CREATE TABLE credentials (
      id          text PRIMARY KEY,
      secret_hash text NOT NULL UNIQUE,
      kind        text NOT NULL,
      user_id     text NOT NULL REFERENCES users (id),
      csrf_token  text,
      created_at  timestamptz NOT NULL,
      expires_at  timestamptz NOT NULL
    );
    CREATE INDEX credentials_user ON credentials (user_id);
    CREATE INDEX credentials_expires ON credentials (expires_at);

    ALTER TABLE tasks ADD COLUMN version integer NOT NULL DEFAULT 1;
    ALTER TABLE tasks ADD COLUMN history json NOT NULL DEFAULT '[]';
    ALTER TABLE tasks ADD COLUMN routing_reason text;
    ALTER TABLE tasks ADD COLUMN form json;
  `,
};
