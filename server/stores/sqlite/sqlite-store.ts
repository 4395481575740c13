import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StepWrite, Store } from '../store.js';
import { SqliteAuditStore } from './sqlite-audit.store.js';
import { SqliteCalendarStore } from './sqlite-calendar.store.js';
import { SqliteDefinitionStore } from './sqlite-definition.store.js';
import { SqliteCustomerStore } from './sqlite-customer.store.js';
import { SqliteCredentialStore } from './sqlite-credential.store.js';
import { SqliteDepartmentStore } from './sqlite-department.store.js';
import { SqliteInstanceStore } from './sqlite-instance.store.js';
import { SqliteOutboxStore } from './sqlite-outbox.store.js';
import { configureConnection, migrate } from './sqlite-schema.js';
import { SqliteTaskStore } from './sqlite-task.store.js';
import { SqliteAgendaBackend } from './sqlite-agenda-backend.js';
import { SqliteProcessScheduleStore } from './sqlite-process-schedule.store.js';
import { SqliteTimerJobs } from './sqlite-timer-jobs.js';
import { SqliteTimerStore } from './sqlite-timer.store.js';
import { SqliteUserStore } from './sqlite-user.store.js';

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

/** Opens (creating file, directory and schema as needed) the embedded store; `':memory:'` works. */
export function openSqliteStore(file: string): SqliteStore {
  const db = openSqliteDatabase(file);
  try {
    migrate(db);
    return new SqliteStore(db);
  } catch (error) {
    db.close();
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
  readonly calendars: SqliteCalendarStore;
  readonly timerJobs: SqliteTimerJobs;
  readonly schedules: SqliteProcessScheduleStore;
  private readonly writeStep: Database.Transaction<(step: StepWrite) => void>;
  private readonly writeSteps: Database.Transaction<(steps: StepWrite[]) => void>;
  private readonly pingStatement: Database.Statement<[]>;

  /**
   * `db` must be configured and migrated (openSqliteStore does both). It is public so other
   * SQLite-backed components (the agenda backend) can write in the same transactions.
   */
  constructor(readonly db: Database.Database) {
    this.definitions = new SqliteDefinitionStore(db);
    this.instances = new SqliteInstanceStore(db);
    this.tasks = new SqliteTaskStore(db);
    this.audit = new SqliteAuditStore(db);
    const backend = new SqliteAgendaBackend(db);
    this.timerJobs = new SqliteTimerJobs(backend);
    this.timers = new SqliteTimerStore(db, backend.repository);
    this.schedules = new SqliteProcessScheduleStore(db, backend.repository, this.timerJobs);
    this.outbox = new SqliteOutboxStore(db);
    this.departments = new SqliteDepartmentStore(db);
    this.users = new SqliteUserStore(db);
    this.credentials = new SqliteCredentialStore(db);
    this.customer = new SqliteCustomerStore(db);
    this.calendars = new SqliteCalendarStore(db);
    this.pingStatement = db.prepare('SELECT 1');
    // Any throw inside rolls the whole step back, the version check included.
    this.writeStep = db.transaction((step: StepWrite) => {
      const { instance } = step;
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

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * A malformed step is a bug in the caller, so a plain Error (not a BatonError); checked before
 * writing because "replace the instance's timers" would otherwise file another instance's rows.
 */
function assertWellFormed(step: StepWrite): void {
  const { instance, expectedVersion } = step;
  const wanted = (expectedVersion ?? 0) + 1;
  if (instance.version !== wanted) {
    throw new Error(
      `step for instance ${instance.id}: version must be ${wanted}, got ${instance.version}`,
    );
  }
  const children = [
    ...step.tasks,
    ...step.audit,
    ...(step.timers ?? []),
    ...(step.subscriptions ?? []),
    ...step.incidents,
    ...step.outbox,
  ];
  const stray = children.find((child) => child.instanceId !== instance.id);
  if (stray) {
    throw new Error(
      `step for instance ${instance.id} carries a record of instance ${stray.instanceId}`,
    );
  }
}
