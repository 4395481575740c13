import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { assertWellFormed } from '../step-shape.js';
import type { StepWrite, Store } from '../store.js';
import { SqliteAnalyticsStore } from './sqlite-analytics.store.js';
import { SqliteAuditStore } from './sqlite-audit.store.js';
import { SqliteReportDeliveryStore } from './sqlite-report-delivery.store.js';
import { SqliteCalendarStore } from './sqlite-calendar.store.js';
import { SqliteDefinitionStore } from './sqlite-definition.store.js';
import { SqliteApprovalStore } from './sqlite-approval.store.js';
import { SqliteCustomerStore } from './sqlite-customer.store.js';
import { SqliteDepartmentHeadStore } from './sqlite-department-head.store.js';
import { SqliteCredentialStore } from './sqlite-credential.store.js';
import { SqliteDepartmentStore } from './sqlite-department.store.js';
import { SqliteFieldStore } from './sqlite-field.store.js';
import { SqliteExternalTaskStore } from './sqlite-external-task.store.js';
import { SqliteInstanceStore } from './sqlite-instance.store.js';
import { SqliteOutboxStore } from './sqlite-outbox.store.js';
import { corruptStoreError, integrityProblems, isCorruption } from './sqlite-integrity.js';
import { configureConnection, migrate, schemaVersion } from './sqlite-schema.js';
import { SqliteTaskStore } from './sqlite-task.store.js';
import { SqliteAgendaBackend } from './sqlite-agenda-backend.js';
import { SqliteProcessScheduleStore } from './sqlite-process-schedule.store.js';
import { SqliteRateLimitStore, SqliteSecretStore } from './sqlite-rate-limit.store.js';
import { SqliteTimerJobs } from './sqlite-timer-jobs.js';
import { SqliteTimerStore } from './sqlite-timer.store.js';
import { SqliteUserStore } from './sqlite-user.store.js';
import { SqliteNotificationStore } from './sqlite-notification.store.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SqlitePreferenceStore } from './sqlite-preference.store.js';

/** Opens (creating file and directory as needed) a connection configured as the store's, not migrated. */
export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    configureConnection(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (creating file, directory and schema as needed) the embedded store; `':memory:'` works.
 * A damaged file is refused (StoreCorruptError with the restore steps) after SQLite's quick_check,
 * instead of starting healthy and failing most calls later.
 */
export function openSqliteStore(file: string): SqliteStore {
  let db: Database.Database;
  try {
    db = openSqliteDatabase(file);
  } catch (error) {
    if (isCorruption(error)) throw corruptStoreError(file, [(error as Error).message]);
    throw error;
  }
  try {
    const problems = integrityProblems(db, 'quick');
    if (problems.length) throw corruptStoreError(file, problems);
    migrate(db);
    const inMemory = file === ':memory:' || file === '';
    return new SqliteStore(db, inMemory ? null : WalCheckpointer.start(db, file));
  } catch (error) {
    db.close();
    if (isCorruption(error)) throw corruptStoreError(file, [(error as Error).message]);
    throw error;
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly definitions: SqliteDefinitionStore;
  readonly instances: SqliteInstanceStore;
  readonly tasks: SqliteTaskStore;
  readonly audit: SqliteAuditStore;
  readonly timers: SqliteTimerStore;
  readonly outbox: SqliteOutboxStore;
  readonly departments: SqliteDepartmentStore;
  readonly users: SqliteUserStore;
  readonly credentials: SqliteCredentialStore;
  readonly customer: SqliteCustomerStore;
  readonly field: SqliteFieldStore;
  readonly approvals: SqliteApprovalStore;
  readonly departmentHeads: SqliteDepartmentHeadStore;
  readonly calendars: SqliteCalendarStore;
  readonly timerJobs: SqliteTimerJobs;
  readonly schedules: SqliteProcessScheduleStore;
  readonly rateLimits: SqliteRateLimitStore;
  readonly secrets: SqliteSecretStore;
  readonly preferences: SqlitePreferenceStore;
  readonly notifications: SqliteNotificationStore;
  readonly externalTasks: SqliteExternalTaskStore;
  readonly analytics: SqliteAnalyticsStore;
  readonly reportDeliveries: SqliteReportDeliveryStore;
  private readonly writeStep: Database.Transaction<(step: StepWrite) => void>;
  private readonly writeSteps: Database.Transaction<(steps: StepWrite[]) => void>;
  private readonly pingStatement: Database.Statement<[]>;

  /**
   * `db` must be configured and migrated (openSqliteStore does both). It is public so other
   * SQLite-backed components (the agenda backend) can write in the same transactions.
   */
  constructor(
    readonly db: Database.Database,
    /** Copies the WAL into the file off the event loop (wal-checkpointer.ts); null: the connection checkpoints itself. */
    readonly checkpointer: WalCheckpointer | null = null,
  ) {
    this.definitions = new SqliteDefinitionStore(db);
    this.instances = new SqliteInstanceStore(db);
    this.tasks = new SqliteTaskStore(db);
    this.audit = new SqliteAuditStore(db);
    const backend = new SqliteAgendaBackend(db);
    this.timerJobs = new SqliteTimerJobs(backend, db);
    this.timers = new SqliteTimerStore(db, backend.repository);
    this.schedules = new SqliteProcessScheduleStore(db, backend.repository, this.timerJobs);
    this.outbox = new SqliteOutboxStore(db);
    this.departments = new SqliteDepartmentStore(db);
    this.users = new SqliteUserStore(db);
    this.credentials = new SqliteCredentialStore(db);
    this.customer = new SqliteCustomerStore(db);
    this.rateLimits = new SqliteRateLimitStore(db);
    this.secrets = new SqliteSecretStore(db);
    this.field = new SqliteFieldStore(db);
    this.preferences = new SqlitePreferenceStore(db);
    this.notifications = new SqliteNotificationStore(db, this.outbox);
    this.externalTasks = new SqliteExternalTaskStore(db);
    this.approvals = new SqliteApprovalStore(db);
    this.departmentHeads = new SqliteDepartmentHeadStore(db);
    this.analytics = new SqliteAnalyticsStore(db);
    this.reportDeliveries = new SqliteReportDeliveryStore(db);
    this.calendars = new SqliteCalendarStore(db);
    this.pingStatement = db.prepare('SELECT 1');
    // Any throw inside rolls the whole step back, the version check included.
    this.writeStep = db.transaction((step: StepWrite) => {
      const { instance } = step;
      if (step.ticket) this.instances.advanceTicketSync(step.ticket.prefix, step.ticket.seq);
      if (step.expectedVersion === null) this.instances.insertSync(instance);
      else this.instances.updateSync(instance, step.expectedVersion);
      for (const task of step.tasks) this.tasks.upsertSync(task);
      for (const event of step.audit) this.audit.appendSync(event);
      if (step.timers) this.timers.replaceForInstanceSync(instance.id, step.timers);
      if (step.subscriptions) this.instances.replaceSubscriptionsSync(instance.id, step.subscriptions);
      for (const incident of step.incidents) this.instances.upsertIncidentSync(incident);
      for (const message of step.outbox) this.outbox.insertSync(message);
      if (step.ticketAccess) this.customer.insertTicketSync(step.ticketAccess);
      for (const upload of step.uploads ?? []) this.customer.insertUploadSync(upload);
      for (const move of step.stockMoves ?? []) this.field.applyMoveSync(move);
      for (const task of step.externalTasks ?? []) this.externalTasks.upsertSync(task);
    });
    this.writeSteps = db.transaction((steps: StepWrite[]) => {
      for (const step of steps) this.writeStep(step);
    });
  }

  async commitStep(step: StepWrite): Promise<void> {
    this.commitStepSync(step);
  }

  /** One IMMEDIATE transaction around the steps (each a savepoint of it): one commit for a batch. */
  async commitSteps(steps: StepWrite[]): Promise<void> {
    for (const step of steps) assertWellFormed(step);
    this.writeSteps.immediate(steps);
  }

  /**
   * commitStep for code that writes more in the same SQLite transaction (the agenda backend):
   * called inside an outer `db.transaction`, it becomes a savepoint of it, and it throws rather
   * than rejects, so the outer transaction rolls back too.
   */
  commitStepSync(step: StepWrite): void {
    assertWellFormed(step);
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
    // fails with SQLITE_BUSY (no wait) when another connection committed in between.
    this.writeStep.immediate(step);
  }

  async ping(): Promise<void> {
    this.pingStatement.get();
  }

  async schemaVersion(): Promise<number> {
    return schemaVersion(this.db);
  }

  /** One node per file: events stay in this process. */
  liveBus(): null {
    return null;
  }

  async close(): Promise<void> {
    // The worker's connection first, so this one is the last and removes the WAL on close.
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}
