import type pg from 'pg';

import { assertWellFormed } from '../step-shape.js';
import type { StepWrite, Store } from '../store.js';
import { PgAgendaBackend } from './pg-agenda-backend.js';
import { PgApprovalStore } from './pg-approval.store.js';
import { PgAnalyticsStore } from './pg-analytics.store.js';
import { PgAuditStore } from './pg-audit.store.js';
import { PgCalendarStore } from './pg-calendar.store.js';
import { PgCredentialStore } from './pg-credential.store.js';
import { PgCustomerStore } from './pg-customer.store.js';
import { PgDefinitionStore } from './pg-definition.store.js';
import { PgDepartmentHeadStore } from './pg-department-head.store.js';
import { PgDepartmentStore } from './pg-department.store.js';
import { PgExternalTaskStore } from './pg-external-task.store.js';
import { PgFieldStore } from './pg-field.store.js';
import { PgNotificationStore } from './pg-notification.store.js';
import { PgPreferenceStore } from './pg-preference.store.js';
import { PgInstanceStore } from './pg-instance.store.js';
import { PgLiveBus } from './pg-live-bus.js';
import { PgOutboxStore } from './pg-outbox.store.js';
import { channelName, createPool, inTransaction, query, type PgPoolOptions } from './pg-pool.js';
import { PgProcessScheduleStore } from './pg-process-schedule.store.js';
import { PgRateLimitStore, PgSecretStore } from './pg-rate-limit.store.js';
import { PgReportDeliveryStore } from './pg-report-delivery.store.js';
import { migratePg, schemaVersion } from './pg-schema.js';
import { PgTaskStore } from './pg-task.store.js';
import { PgTimerJobs } from './pg-timer-jobs.js';
import { PgTimerStore } from './pg-timer.store.js';
import { PgUserStore } from './pg-user.store.js';

export type PgStoreOptions = PgPoolOptions;

/**
 * Opens the PostgreSQL store: a pool, the schema migrated (under an advisory lock, so nodes
 * starting together migrate once), the ports on top. Refuses a schema newer than this code.
 */
export async function openPostgresStore(options: PgStoreOptions): Promise<PgStore> {
  const pool = createPool(options);
  try {
    await migratePg(pool);
    return new PgStore(pool, options);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

export class PgStore implements Store {
  readonly kind = 'postgres';
  readonly definitions: PgDefinitionStore;
  readonly instances: PgInstanceStore;
  readonly tasks: PgTaskStore;
  readonly audit: PgAuditStore;
  readonly timers: PgTimerStore;
  readonly outbox: PgOutboxStore;
  readonly departments: PgDepartmentStore;
  readonly users: PgUserStore;
  readonly credentials: PgCredentialStore;
  readonly customer: PgCustomerStore;
  readonly field: PgFieldStore;
  readonly preferences: PgPreferenceStore;
  readonly notifications: PgNotificationStore;
  readonly timerJobs: PgTimerJobs;
  readonly schedules: PgProcessScheduleStore;
  readonly rateLimits: PgRateLimitStore;
  readonly secrets: PgSecretStore;
  readonly approvals: PgApprovalStore;
  readonly departmentHeads: PgDepartmentHeadStore;
  readonly externalTasks: PgExternalTaskStore;
  readonly analytics: PgAnalyticsStore;
  readonly reportDeliveries: PgReportDeliveryStore;
  readonly calendars: PgCalendarStore;
  private closed = false;
  private bus: PgLiveBus | null = null;

  /** `pool` must reach a migrated schema (openPostgresStore does both). */
  constructor(
    readonly pool: pg.Pool,
    private readonly options: PgStoreOptions,
  ) {
    this.definitions = new PgDefinitionStore(pool);
    this.instances = new PgInstanceStore(pool);
    this.tasks = new PgTaskStore(pool);
    this.audit = new PgAuditStore(pool);
    const backend = new PgAgendaBackend(pool, options.url, channelName('baton_jobs', options.schema ?? 'public'));
    this.timerJobs = new PgTimerJobs(backend, pool);
    this.timers = new PgTimerStore(pool, backend.repository);
    this.schedules = new PgProcessScheduleStore(pool, backend.repository, this.timerJobs);
    this.outbox = new PgOutboxStore(pool);
    this.departments = new PgDepartmentStore(pool);
    this.users = new PgUserStore(pool);
    this.credentials = new PgCredentialStore(pool);
    this.customer = new PgCustomerStore(pool);
    this.field = new PgFieldStore(pool);
    this.preferences = new PgPreferenceStore(pool);
    this.notifications = new PgNotificationStore(pool, this.outbox);
    this.rateLimits = new PgRateLimitStore(pool);
    this.secrets = new PgSecretStore(pool);
    this.approvals = new PgApprovalStore(pool);
    this.departmentHeads = new PgDepartmentHeadStore(pool);
    this.externalTasks = new PgExternalTaskStore(pool);
    this.analytics = new PgAnalyticsStore(pool);
    this.reportDeliveries = new PgReportDeliveryStore(pool);
    this.calendars = new PgCalendarStore(pool);
  }

  /**
   * One transaction on one connection. The instance row is written first, so its row lock
   * serialises two nodes committing steps of the same instance; the loser finds the version moved
   * on (VersionConflictError) and nothing of its step is written.
   */
  async commitStep(step: StepWrite): Promise<void> {
    assertWellFormed(step);
    await inTransaction(this.pool, (client) => this.writeStepIn(client, step));
  }

  /**
   * Several steps (of different instances) in one transaction, all or none, each with
   * commitStep's checks: one step's VersionConflictError rolls back every one of them.
   */
  async commitSteps(steps: StepWrite[]): Promise<void> {
    for (const step of steps) assertWellFormed(step);
    await inTransaction(this.pool, async (client) => {
      for (const step of steps) await this.writeStepIn(client, step);
    });
  }

  /** One step's writes on a client inside a transaction (commitStep, commitSteps). */
  private async writeStepIn(client: pg.PoolClient, step: StepWrite): Promise<void> {
    const { instance } = step;
    if (step.ticket) await this.instances.advanceTicketIn(client, step.ticket.prefix, step.ticket.seq);
    if (step.expectedVersion === null) await this.instances.insertIn(client, instance);
    else await this.instances.updateIn(client, instance, step.expectedVersion);
    for (const task of step.tasks) await this.tasks.upsertIn(client, task);
    await this.audit.appendIn(client, step.audit);
    if (step.timers) await this.timers.replaceForInstanceIn(client, instance.id, step.timers);
    if (step.subscriptions) await this.instances.replaceSubscriptionsIn(client, instance.id, step.subscriptions);
    for (const incident of step.incidents) await this.instances.upsertIncidentIn(client, incident);
    for (const message of step.outbox) await this.outbox.insertIn(client, message);
    if (step.ticketAccess) await this.customer.insertTicketIn(client, step.ticketAccess);
    for (const upload of step.uploads ?? []) await this.customer.insertUploadIn(client, upload);
    for (const move of step.stockMoves ?? []) await this.field.applyMoveIn(client, move);
    for (const task of step.externalTasks ?? []) await this.externalTasks.upsertIn(client, task);
  }

  /** Created on first use (a CLI never needs one); closed with the store. */
  liveBus(): PgLiveBus {
    // The adapter appends `#/<namespace>` (`#/inbox`, `#/status`) to the prefix.
    this.bus ??= new PgLiveBus(this.options, channelName('baton_live', this.options.schema ?? 'public', 12));
    return this.bus;
  }

  async ping(): Promise<void> {
    await query(this.pool, 'SELECT 1');
  }

  /** The schema version the database is at (for /health). */
  async schemaVersion(): Promise<number> {
    return schemaVersion(this.pool);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.timerJobs.backend.notificationChannel.disconnect();
    await this.bus?.close();
    await this.pool.end();
  }
}
