import type Database from 'better-sqlite3';

import { auditCheckpointsMigration } from './sqlite-migration-audit.js';
import { migrateCluster } from './sqlite-migration-cluster.js';
import { migrateAnalytics } from './sqlite-migration-analytics.js';
import { migrateCalendars } from './sqlite-migration-calendars.js';
import { migrateCustomer } from './sqlite-migration-customer.js';
import { migrateField } from './sqlite-migration-field.js';
import { migrateNotifications } from './sqlite-migration-notifications.js';
import { migrateExternalTasks } from './sqlite-migration-external-tasks.js';
import { migrateDepartmentHeads, migrateOperations } from './sqlite-migration-operations.js';
import { migratePeople } from './sqlite-migration-people.js';

type Migration = (db: Database.Database) => void;

/**
 * Migration `i` takes a database from schema version `i` to `i + 1`; the current version lives in
 * `PRAGMA user_version`. Append new migrations, never edit a shipped one: databases in the field
 * have already run it.
 */
const migrations: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE definitions (
        id             TEXT PRIMARY KEY,
        process_key    TEXT NOT NULL,
        version        INTEGER NOT NULL,
        name           TEXT NOT NULL,
        xml            TEXT NOT NULL,
        hash           TEXT NOT NULL,
        ticket_prefix  TEXT NOT NULL,
        start_messages TEXT NOT NULL,
        start_timers   TEXT NOT NULL,
        deployed_at    TEXT NOT NULL,
        warnings       TEXT NOT NULL,
        UNIQUE (process_key, version)
      );

      -- start_messages stays on the definition row for the record's own order; this table makes
      -- "which processes does message X start" an index lookup instead of a JSON scan.
      CREATE TABLE definition_start_messages (
        message_name  TEXT NOT NULL,
        definition_id TEXT NOT NULL REFERENCES definitions (id),
        PRIMARY KEY (message_name, definition_id)
      ) WITHOUT ROWID;

      CREATE TABLE instances (
        id                 TEXT PRIMARY KEY,
        definition_id      TEXT NOT NULL,
        process_key        TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        ticket_number      TEXT NOT NULL,
        business_key       TEXT,
        status             TEXT NOT NULL,
        variables          TEXT NOT NULL,
        state              TEXT,
        engine_version     TEXT NOT NULL,
        version            INTEGER NOT NULL,
        audit_seq          INTEGER NOT NULL,
        audit_hash         TEXT NOT NULL,
        started_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        ended_at           TEXT
      );
      CREATE UNIQUE INDEX instances_business_key ON instances (process_key, business_key)
        WHERE business_key IS NOT NULL;
      CREATE UNIQUE INDEX instances_ticket_number ON instances (ticket_number);
      CREATE INDEX instances_status ON instances (status, started_at);
      CREATE INDEX instances_process_key ON instances (process_key, started_at);
      CREATE INDEX instances_started_at ON instances (started_at);

      CREATE TABLE tasks (
        id                 TEXT PRIMARY KEY,
        instance_id        TEXT NOT NULL REFERENCES instances (id),
        ticket_number      TEXT NOT NULL,
        process_key        TEXT NOT NULL,
        definition_version INTEGER NOT NULL,
        element_id         TEXT NOT NULL,
        name               TEXT NOT NULL,
        status             TEXT NOT NULL,
        department         TEXT,
        candidate_groups   TEXT NOT NULL,
        candidate_users    TEXT NOT NULL,
        assignee           TEXT,
        priority           INTEGER,
        due_at             TEXT,
        warn_at            TEXT,
        escalated_from     TEXT,
        form_key           TEXT,
        created_at         TEXT NOT NULL,
        ended_at           TEXT,
        completed_by       TEXT,
        output             TEXT
      );
      CREATE INDEX tasks_status_department ON tasks (status, department, created_at);
      CREATE INDEX tasks_instance ON tasks (instance_id, created_at);
      CREATE INDEX tasks_assignee ON tasks (assignee, status, created_at);
      CREATE INDEX tasks_process_key ON tasks (process_key, status, created_at);
      CREATE INDEX tasks_created_at ON tasks (created_at);

      CREATE TABLE audit_events (
        instance_id   TEXT NOT NULL REFERENCES instances (id),
        seq           INTEGER NOT NULL,
        type          TEXT NOT NULL,
        at            TEXT NOT NULL,
        actor         TEXT NOT NULL,
        element_id    TEXT,
        definition_id TEXT NOT NULL,
        data          TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL,
        PRIMARY KEY (instance_id, seq)
      );

      CREATE TABLE message_subscriptions (
        instance_id  TEXT NOT NULL REFERENCES instances (id),
        execution_id TEXT NOT NULL,
        message_name TEXT NOT NULL,
        business_key TEXT,
        element_id   TEXT NOT NULL,
        PRIMARY KEY (instance_id, execution_id, message_name)
      );
      CREATE INDEX message_subscriptions_message
        ON message_subscriptions (message_name, business_key);

      CREATE TABLE incidents (
        id          TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL REFERENCES instances (id),
        element_id  TEXT,
        kind        TEXT NOT NULL,
        message     TEXT NOT NULL,
        status      TEXT NOT NULL,
        execution_id TEXT,
        retry       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        resolved_at TEXT
      );
      CREATE INDEX incidents_instance ON incidents (instance_id, created_at);

      CREATE TABLE outbox (
        id              TEXT PRIMARY KEY,
        instance_id     TEXT NOT NULL REFERENCES instances (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        channel         TEXT NOT NULL,
        payload         TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        sent_at         TEXT,
        attempts        INTEGER NOT NULL,
        last_error      TEXT
      );
      CREATE INDEX outbox_pending ON outbox (created_at) WHERE sent_at IS NULL;
      CREATE INDEX outbox_instance ON outbox (instance_id, created_at);

      CREATE TABLE departments (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        parent_id TEXT
      );

      CREATE TABLE ticket_sequences (
        prefix TEXT PRIMARY KEY,
        last   INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // Job store of the agenda scheduler (SqliteJobRepository). Instants are epoch milliseconds so
  // "due at or before" compares numbers. repeat_interval keeps agenda's string | number: the flag
  // says which, because "5000" (a string) and 5000 (ms) are both legal and must read back as sent.
  // generation changes on every definition write (saveJob, upsertJobSync), never on state saves,
  // so a run that started before a reschedule cannot overwrite the new schedule (see repository).
  (db) => {
    db.exec(`
      CREATE TABLE agenda_jobs (
        id                      TEXT PRIMARY KEY,
        name                    TEXT NOT NULL,
        priority                REAL NOT NULL DEFAULT 0,
        next_run_at             INTEGER,
        type                    TEXT NOT NULL,
        locked_at               INTEGER,
        last_run_at             INTEGER,
        last_finished_at        INTEGER,
        failed_at               INTEGER,
        fail_count              INTEGER,
        fail_reason             TEXT,
        repeat_interval         TEXT,
        repeat_interval_numeric INTEGER NOT NULL DEFAULT 0,
        repeat_timezone         TEXT,
        repeat_at               TEXT,
        disabled                INTEGER NOT NULL DEFAULT 0,
        progress                REAL,
        data                    TEXT,
        unique_json             TEXT,
        last_modified_by        TEXT,
        start_date              INTEGER,
        end_date                INTEGER,
        skip_days               TEXT,
        debounce_started_at     INTEGER,
        fork                    INTEGER,
        generation              TEXT NOT NULL,
        instance_id             TEXT
      );
      CREATE INDEX agenda_jobs_next_to_run
        ON agenda_jobs (name, disabled, locked_at, next_run_at, priority);
      CREATE INDEX agenda_jobs_instance ON agenda_jobs (instance_id, name)
        WHERE instance_id IS NOT NULL;
      -- agenda's every() saves type 'single' jobs as "one row per name"; the index makes that a
      -- constraint rather than a convention two processes could race past.
      CREATE UNIQUE INDEX agenda_jobs_single_name ON agenda_jobs (name) WHERE type = 'single';
      -- Baton's timer and process-start jobs carry their due instant as data.dueMs: the sweeper
      -- finds due ones even while agenda holds a job (next_run_at is null while it runs).
      CREATE INDEX agenda_jobs_baton_due ON agenda_jobs (name, json_extract(data, '$.dueMs'), id);
    `);
  },
  // agenda_jobs_next_to_run in the order agenda asks for (due first, then the higher priority), so
  // that taking the next job among many due in the same millisecond reads one index entry rather
  // than sorting all of them (a burst of timers with one due time was O(n²) to lock).
  (db) => {
    db.exec(`
      DROP INDEX agenda_jobs_next_to_run;
      CREATE INDEX agenda_jobs_next_to_run
        ON agenda_jobs (name, disabled, locked_at, next_run_at, priority DESC);
    `);
  },
  auditCheckpointsMigration,
  migratePeople,
  migrateCustomer,
  migrateCluster,
  migrateField,
  migrateNotifications,
  migrateExternalTasks,
  migrateOperations,
  migrateDepartmentHeads,
  migrateAnalytics,
  migrateCalendars,
];

/** Schema version this code writes; a database at a higher version came from a newer Baton. */
export const SCHEMA_VERSION = migrations.length;

/** Connection settings: they are per connection, so every open applies them again. */
export function configureConnection(db: Database.Database): void {
  // WAL lets readers run while the single writer commits; NORMAL is durable across app crashes
  // in WAL mode and only risks the last commits on power loss, which is the usual trade.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // A second process (CLI, second node on the same file) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
}

export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Brings the schema up to `target` (tests stop early to make an old database), one migration per transaction. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this Baton supports (${SCHEMA_VERSION})`);
  }
  for (let from = current; from < target; from += 1) {
    const step = db.transaction(() => {
      // Re-read under the write lock: another process opening the same file may have migrated.
      if (schemaVersion(db) !== from) return;
      const migration = migrations[from];
      if (!migration) throw new Error(`no migration from schema version ${from}`);
      migration(db);
      db.pragma(`user_version = ${from + 1}`);
    });
    step.immediate();
  }
}
