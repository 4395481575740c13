import type { PgMigration } from './pg-schema.js';

/**
 * Analytics projections and report deliveries, as on SQLite (sqlite-migration-analytics.ts), and
 * the audit log's global order the projector reads them in.
 *
 * SQLite's order is audit_events' rowid (one writer: rowids grow in commit order). Here a
 * sequence can commit out of order (A takes pos 10, B takes 11 and commits first), so every event
 * also carries the transaction that wrote it (`xid`), and the projector reads in (xid, pos) order
 * only the events of transactions below the horizon `pg_snapshot_xmin(pg_current_snapshot())`:
 * every transaction below it has committed or rolled back, and every event still to come belongs
 * to a transaction at or above it, so nothing can appear behind the cursor later
 * (pg-analytics.store.ts). Sorting by xid first matters: a transaction that took its xid earlier
 * may take a higher pos and commit first, and a reader in pos order alone would pass the lower,
 * still open, one.
 *
 * Existing events are numbered in log order (by time, with each instance's events kept in seq
 * order) and all carry this migration's transaction, so they sort by pos among themselves.
 * Instants in the projections are the audit events' own `at` text (audit_events.at is text),
 * so ranges compare as on SQLite (byte order: COLLATE "C") and the facts carry the same strings.
 */
export const analyticsMigration: PgMigration = {
  name: 'analytics',
  sql: `
    ALTER TABLE audit_events ADD COLUMN pos bigint;
    WITH slots AS (
      SELECT instance_id, row_number() OVER (PARTITION BY instance_id ORDER BY slot) AS k, slot
      FROM (SELECT instance_id, row_number() OVER (ORDER BY at COLLATE "C", instance_id, seq) AS slot FROM audit_events) ranked
    ), events AS (
      SELECT instance_id, seq, row_number() OVER (PARTITION BY instance_id ORDER BY seq) AS k FROM audit_events
    )
    UPDATE audit_events a SET pos = s.slot
    FROM events e JOIN slots s ON s.instance_id = e.instance_id AND s.k = e.k
    WHERE a.instance_id = e.instance_id AND a.seq = e.seq;
    ALTER TABLE audit_events ALTER COLUMN pos SET NOT NULL;
    ALTER TABLE audit_events ALTER COLUMN pos ADD GENERATED ALWAYS AS IDENTITY;
    SELECT setval(pg_get_serial_sequence('audit_events', 'pos'), coalesce((SELECT max(pos) FROM audit_events), 0) + 1, false);
    ALTER TABLE audit_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
    CREATE UNIQUE INDEX audit_events_pos ON audit_events (pos);
    CREATE INDEX audit_events_feed ON audit_events (xid, pos);

    -- The last event folded: its (xid, pos), and its (instance, seq) so a renumbered log (an
    -- import) is noticed and rebuilt rather than trusted. No row: nothing folded yet.
    CREATE TABLE analytics_cursor (
      id          integer PRIMARY KEY CHECK (id = 1),
      position    bigint NOT NULL,
      instance_id text,
      seq         integer,
      xid         xid8 NOT NULL DEFAULT '0'
    );

    CREATE TABLE analytics_instances (
      instance_id         text PRIMARY KEY,
      process_key         text NOT NULL,
      version             integer NOT NULL,
      started_at          text COLLATE "C" NOT NULL,
      ended_at            text COLLATE "C",
      status              text NOT NULL,
      user_tasks          integer NOT NULL DEFAULT 0,
      pass_ups            integer NOT NULL DEFAULT 0,
      hand_overs          integer NOT NULL DEFAULT 0,
      escalations         integer NOT NULL DEFAULT 0,
      last_task_id        text,
      last_completer      text,
      last_department     text,
      resolver            text,
      resolver_department text,
      customer_wait_ms    bigint NOT NULL DEFAULT 0
    );
    CREATE INDEX analytics_instances_started ON analytics_instances (process_key, started_at);
    CREATE INDEX analytics_instances_ended ON analytics_instances (process_key, ended_at);

    CREATE TABLE analytics_tasks (
      task_id      text PRIMARY KEY,
      instance_id  text NOT NULL,
      process_key  text NOT NULL,
      version      integer NOT NULL,
      element_id   text NOT NULL,
      department   text,
      customer     boolean NOT NULL,
      owner        text,
      created_at   text COLLATE "C" NOT NULL,
      claimed_at   text COLLATE "C",
      work_from    text COLLATE "C",
      ended_at     text COLLATE "C",
      status       text NOT NULL,
      completed_by text,
      due_at       text COLLATE "C",
      escalated    boolean NOT NULL DEFAULT false,
      reopened     boolean NOT NULL DEFAULT false,
      queue_ms     bigint,
      work_ms      bigint
    );
    -- Covers the reports' reads of tasks (heatmap, throughput, before/after, field): index-only scans.
    CREATE INDEX analytics_tasks_activity ON analytics_tasks (process_key, created_at, version)
      INCLUDE (element_id, customer, queue_ms, work_ms, ended_at, due_at, escalated, department, instance_id, status, completed_by, reopened, task_id);
    CREATE INDEX analytics_tasks_instance ON analytics_tasks (instance_id, element_id);
    CREATE INDEX analytics_tasks_ended ON analytics_tasks (process_key, ended_at);

    CREATE TABLE analytics_actions (
      position    bigint NOT NULL,
      kind        text NOT NULL,
      at          text COLLATE "C" NOT NULL,
      username    text,
      department  text,
      instance_id text NOT NULL,
      task_id     text,
      process_key text NOT NULL,
      duration_ms bigint,
      PRIMARY KEY (position, kind)
    );
    CREATE INDEX analytics_actions_at ON analytics_actions (at) INCLUDE (kind, username, department, duration_ms, instance_id, process_key, position);
    CREATE INDEX analytics_actions_instance ON analytics_actions (instance_id, kind);

    CREATE TABLE analytics_element_days (
      process_key text NOT NULL,
      version     integer NOT NULL,
      element_id  text NOT NULL,
      kind        text NOT NULL,
      day         text COLLATE "C" NOT NULL,
      count       bigint NOT NULL,
      PRIMARY KEY (process_key, day, version, kind, element_id)
    );

    CREATE TABLE report_deliveries (
      department_id text PRIMARY KEY,
      enabled       boolean NOT NULL,
      time_zone     text NOT NULL,
      hour          integer NOT NULL,
      lang          text NOT NULL,
      recipients    jsonb NOT NULL,
      next_due_at   timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL
    );
    CREATE INDEX report_deliveries_due ON report_deliveries (next_due_at) WHERE enabled;

    CREATE TABLE report_mail (
      id            text PRIMARY KEY,
      department_id text NOT NULL,
      month         text NOT NULL,
      recipient     text NOT NULL,
      subject       text NOT NULL,
      body          text NOT NULL,
      created_at    timestamptz NOT NULL,
      sent_at       timestamptz,
      attempts      integer NOT NULL DEFAULT 0,
      last_error    text,
      pos           bigint GENERATED ALWAYS AS IDENTITY,
      UNIQUE (department_id, month, recipient)
    );
    CREATE INDEX report_mail_pending ON report_mail (created_at) WHERE sent_at IS NULL;
  `,
};
