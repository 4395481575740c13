import type { PgMigration } from './pg-schema.js';

/**
 * The engine's tables, column for column as on SQLite (sqlite-schema.ts, migration 1), so an
 * export of either store imports into the other. Where PostgreSQL has a better type it is used:
 * timestamptz for instants Baton writes itself and compares, json for documents read whole (json,
 * not jsonb: it keeps the text as written, key order included, and takes any string), and a
 * `pos` identity where SQLite ordered ties by rowid.
 */
export const coreMigration: PgMigration = {
  name: 'core',
  sql: `
    CREATE TABLE definitions (
      id             text PRIMARY KEY,
      process_key    text NOT NULL,
      version        integer NOT NULL,
      name           text NOT NULL,
      xml            text NOT NULL,
      hash           text NOT NULL,
      ticket_prefix  text NOT NULL,
      start_messages json NOT NULL,
      start_timers   json NOT NULL,
      deployed_at    timestamptz NOT NULL,
      warnings       json NOT NULL,
      UNIQUE (process_key, version)
    );

    CREATE TABLE definition_start_messages (
      message_name  text NOT NULL,
      definition_id text NOT NULL REFERENCES definitions (id),
      PRIMARY KEY (message_name, definition_id)
    );

    CREATE TABLE instances (
      id                 text PRIMARY KEY,
      definition_id      text NOT NULL,
      process_key        text NOT NULL,
      definition_version integer NOT NULL,
      ticket_number      text NOT NULL,
      business_key       text,
      status             text NOT NULL,
      variables          json NOT NULL,
      state              json,
      engine_version     text NOT NULL,
      version            integer NOT NULL,
      audit_seq          integer NOT NULL,
      audit_hash         text NOT NULL,
      started_at         timestamptz NOT NULL,
      updated_at         timestamptz NOT NULL,
      ended_at           timestamptz,
      pos                bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE UNIQUE INDEX instances_business_key ON instances (process_key, business_key)
      WHERE business_key IS NOT NULL;
    CREATE UNIQUE INDEX instances_ticket_number ON instances (ticket_number);
    CREATE INDEX instances_status ON instances (status, started_at);
    CREATE INDEX instances_process_key ON instances (process_key, started_at);
    CREATE INDEX instances_started_at ON instances (started_at DESC, pos DESC);

    CREATE TABLE tasks (
      id                 text PRIMARY KEY,
      instance_id        text NOT NULL REFERENCES instances (id),
      ticket_number      text NOT NULL,
      process_key        text NOT NULL,
      definition_version integer NOT NULL,
      element_id         text NOT NULL,
      name               text NOT NULL,
      status             text NOT NULL,
      department         text,
      candidate_groups   json NOT NULL,
      candidate_users    json NOT NULL,
      assignee           text,
      priority           integer,
      due_at             timestamptz,
      warn_at            timestamptz,
      escalated_from     json,
      form_key           text,
      created_at         timestamptz NOT NULL,
      ended_at           timestamptz,
      completed_by       text,
      output             json,
      pos                bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX tasks_status_department ON tasks (status, department, created_at);
    CREATE INDEX tasks_instance ON tasks (instance_id, created_at);
    CREATE INDEX tasks_assignee ON tasks (assignee, status, created_at);
    CREATE INDEX tasks_process_key ON tasks (process_key, status, created_at);
    CREATE INDEX tasks_created_at ON tasks (created_at, pos);

    -- at and data are hashed into the chain: kept as text and json, exactly as written.
    CREATE TABLE audit_events (
      instance_id   text NOT NULL REFERENCES instances (id),
      seq           integer NOT NULL,
      type          text NOT NULL,
      at            text NOT NULL,
      actor         text NOT NULL,
      element_id    text,
      definition_id text NOT NULL,
      data          json NOT NULL,
      prev_hash     text NOT NULL,
      hash          text NOT NULL,
      PRIMARY KEY (instance_id, seq)
    );

    CREATE TABLE message_subscriptions (
      instance_id  text NOT NULL REFERENCES instances (id),
      execution_id text NOT NULL,
      message_name text NOT NULL,
      business_key text,
      element_id   text NOT NULL,
      pos          bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (instance_id, execution_id, message_name)
    );
    CREATE INDEX message_subscriptions_message
      ON message_subscriptions (message_name, business_key);

    CREATE TABLE incidents (
      id           text PRIMARY KEY,
      instance_id  text NOT NULL REFERENCES instances (id),
      element_id   text,
      kind         text NOT NULL,
      message      text NOT NULL,
      status       text NOT NULL,
      execution_id text,
      retry        json NOT NULL,
      created_at   timestamptz NOT NULL,
      resolved_at  timestamptz,
      pos          bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX incidents_instance ON incidents (instance_id, created_at);

    CREATE TABLE outbox (
      id              text PRIMARY KEY,
      instance_id     text NOT NULL REFERENCES instances (id),
      idempotency_key text NOT NULL UNIQUE,
      channel         text NOT NULL,
      payload         json NOT NULL,
      created_at      timestamptz NOT NULL,
      sent_at         timestamptz,
      attempts        integer NOT NULL,
      last_error      text,
      pos             bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX outbox_pending ON outbox (created_at, pos) WHERE sent_at IS NULL;
    CREATE INDEX outbox_instance ON outbox (instance_id, created_at);

    CREATE TABLE departments (
      id        text PRIMARY KEY,
      name      text NOT NULL,
      parent_id text
    );

    -- One counter row per ticket prefix, advanced inside a transaction (not a SEQUENCE: nextval
    -- is not transactional, so a rolled-back start would leave a gap).
    CREATE TABLE ticket_sequences (
      prefix text PRIMARY KEY,
      last   integer NOT NULL
    );
  `,
};
