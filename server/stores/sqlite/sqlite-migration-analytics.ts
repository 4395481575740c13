import type Database from 'better-sqlite3';

/**
 * Analytics projections (issue 15), folded from the audit log by the projector
 * (server/analytics/analytics-projector.ts). Nothing here is the truth: every row can be dropped
 * and rebuilt from audit_events. `analytics_cursor` is the position (audit_events rowid: the
 * log's global commit order, since the table is append-only and has one writer) of the last
 * event folded in, together with that event's (instance, seq) so a renumbered log (VACUUM,
 * import) is noticed and rebuilt rather than trusted. No row: nothing folded yet (the table stays
 * empty in a new store, so an export of it imports into a new store like any other).
 */
export function migrateAnalytics(db: Database.Database): void {
  db.exec(`
    CREATE TABLE analytics_cursor (
      id          INTEGER PRIMARY KEY CHECK (id = 1),
      position    INTEGER NOT NULL,
      instance_id TEXT,
      seq         INTEGER
    );

    -- One row per instance: when it started and ended, who resolved it, how its tickets moved.
    CREATE TABLE analytics_instances (
      instance_id      TEXT PRIMARY KEY,
      process_key      TEXT NOT NULL,
      version          INTEGER NOT NULL,
      started_at       TEXT NOT NULL,
      ended_at         TEXT,
      status           TEXT NOT NULL,
      user_tasks       INTEGER NOT NULL DEFAULT 0,
      pass_ups         INTEGER NOT NULL DEFAULT 0,
      hand_overs       INTEGER NOT NULL DEFAULT 0,
      escalations      INTEGER NOT NULL DEFAULT 0,
      last_task_id     TEXT,
      last_completer   TEXT,
      last_department  TEXT,
      resolver         TEXT,
      resolver_department TEXT,
      customer_wait_ms INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE INDEX analytics_instances_started ON analytics_instances (process_key, started_at);
    CREATE INDEX analytics_instances_ended ON analytics_instances (process_key, ended_at);

    -- One row per user task: queue time (created → first claim), work time (claim → completion).
    CREATE TABLE analytics_tasks (
      task_id      TEXT PRIMARY KEY,
      instance_id  TEXT NOT NULL,
      process_key  TEXT NOT NULL,
      version      INTEGER NOT NULL,
      element_id   TEXT NOT NULL,
      department   TEXT,
      customer     INTEGER NOT NULL,
      owner        TEXT,
      created_at   TEXT NOT NULL,
      claimed_at   TEXT,
      work_from    TEXT,
      ended_at     TEXT,
      status       TEXT NOT NULL,
      completed_by TEXT,
      due_at       TEXT,
      escalated    INTEGER NOT NULL DEFAULT 0,
      reopened     INTEGER NOT NULL DEFAULT 0,
      queue_ms     INTEGER,
      work_ms      INTEGER
    ) WITHOUT ROWID;
    -- Covers every report's read of tasks (heatmap, throughput, before/after, field): a month or a
    -- year of tasks is one index range, no table lookups.
    CREATE INDEX analytics_tasks_activity
      ON analytics_tasks (process_key, created_at, version, element_id, customer, queue_ms, work_ms, ended_at, due_at, escalated,
                          department, instance_id, status, completed_by, reopened);
    CREATE INDEX analytics_tasks_instance ON analytics_tasks (instance_id, element_id);
    CREATE INDEX analytics_tasks_ended ON analytics_tasks (process_key, ended_at);

    -- What people did, one row per action (completed, resolved, passed-up, handed-over, escalated,
    -- reopened), with the department the task was in: the monthly report groups these.
    CREATE TABLE analytics_actions (
      position    INTEGER NOT NULL,
      kind        TEXT NOT NULL,
      at          TEXT NOT NULL,
      username    TEXT,
      department  TEXT,
      instance_id TEXT NOT NULL,
      task_id     TEXT,
      process_key TEXT NOT NULL,
      duration_ms INTEGER,
      PRIMARY KEY (position, kind)
    ) WITHOUT ROWID;
    CREATE INDEX analytics_actions_at ON analytics_actions (at, kind, username, department, duration_ms);
    CREATE INDEX analytics_actions_instance ON analytics_actions (instance_id, kind);

    -- How often each activity was passed and each flow taken, per UTC day (the heatmap's counts).
    CREATE TABLE analytics_element_days (
      process_key TEXT NOT NULL,
      version     INTEGER NOT NULL,
      element_id  TEXT NOT NULL,
      kind        TEXT NOT NULL,
      day         TEXT NOT NULL,
      count       INTEGER NOT NULL,
      PRIMARY KEY (process_key, day, version, kind, element_id)
    ) WITHOUT ROWID;

    -- Monthly report delivery per department: when it is due next (UTC, computed from the
    -- department's time zone), to whom, in which language. The due time in a row is the durable
    -- timer: a Baton that was down on the 1st delivers when it starts.
    CREATE TABLE report_deliveries (
      department_id TEXT PRIMARY KEY,
      enabled       INTEGER NOT NULL,
      time_zone     TEXT NOT NULL,
      hour          INTEGER NOT NULL,
      lang          TEXT NOT NULL,
      recipients    TEXT NOT NULL,
      next_due_at   TEXT NOT NULL,
      updated_at    TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX report_deliveries_due ON report_deliveries (enabled, next_due_at);

    -- The reports' own outbox (the step outbox belongs to instances): written with the move of
    -- next_due_at in one transaction, one row per department, month and recipient.
    CREATE TABLE report_mail (
      id            TEXT PRIMARY KEY,
      department_id TEXT NOT NULL,
      month         TEXT NOT NULL,
      recipient     TEXT NOT NULL,
      subject       TEXT NOT NULL,
      body          TEXT NOT NULL,
      created_at    TEXT NOT NULL,
      sent_at       TEXT,
      attempts      INTEGER NOT NULL DEFAULT 0,
      last_error    TEXT,
      UNIQUE (department_id, month, recipient)
    );
    CREATE INDEX report_mail_pending ON report_mail (created_at) WHERE sent_at IS NULL;
  `);
}
