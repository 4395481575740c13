import type { AuditEvent } from '../audit/audit-event.js';
import type { AuditStore } from '../audit/audit.store.js';
import type { CredentialStore } from '../auth/credential.store.js';
import type { RateLimitStore } from '../auth/rate-limit.store.js';
import type { SecretStore } from '../auth/secret.store.js';
import type { CustomerStore } from '../customer/customer.store.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import type { DepartmentStore } from '../departments/department.store.js';
import type { IncidentRecord, InstanceRecord, MessageSubscription } from '../instances/instance.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { LiveBus } from '../live/live-bus.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { OutboxStore } from '../outbox/outbox.store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { TimerRecord } from '../timers/timer.js';
import type { ProcessScheduleStore } from '../timers/process-schedule.js';
import type { TimerJobs } from '../timers/timer-jobs.js';
import type { TimerStore } from '../timers/timer.store.js';
import type { NotificationStore } from '../notifications/notification.store.js';
import type { PreferenceStore } from '../users/preference.store.js';
import type { UserStore } from '../users/user.store.js';
import type { CustomerUpload, TicketAccess } from '../customer/customer.js';
import type { StockMove } from '../field/field.js';
import type { FieldStore } from '../field/field.store.js';

/**
 * Everything one engine step changed, written in one transaction or not at all.
 * `instance.version` must be `expectedVersion + 1` (or 1 for a new instance).
 */
export interface StepWrite {
  instance: InstanceRecord;
  /** null: the instance is new and inserted; otherwise the version the step started from. */
  expectedVersion: number | null;
  /** Upserted by id. */
  tasks: TaskRecord[];
  /** Appended; already chained on instance.auditHead. */
  audit: AuditEvent[];
  /** The instance's full set of pending timers after the step (replaces the previous set); null: unchanged. */
  timers: TimerRecord[] | null;
  /** The instance's full set of message subscriptions after the step (replaces the previous set); null: unchanged. */
  subscriptions: MessageSubscription[] | null;
  /** Upserted by id. */
  incidents: IncidentRecord[];
  /** Inserted; a message whose idempotencyKey exists already is skipped. */
  outbox: OutboxMessage[];
  /** A start's customer status link (its hash): inserted with the instance. */
  ticketAccess?: TicketAccess;
  /** Files the customer answered a task with: inserted with the step, so a refused step keeps none. */
  uploads?: CustomerUpload[];
  /** Stock reserved, used or released by the step (dispatch, parts used on site). */
  stockMoves?: StockMove[];
  /**
   * A start's ticket number: the prefix's counter moves from `seq - 1` to `seq` in this
   * transaction (created at 1 for the first), else TicketNumberTakenError and nothing is written.
   */
  ticket?: { prefix: string; seq: number };
}

export interface Store {
  readonly kind: string;
  definitions: DefinitionStore;
  instances: InstanceStore;
  tasks: TaskStore;
  audit: AuditStore;
  timers: TimerStore;
  outbox: OutboxStore;
  departments: DepartmentStore;
  users: UserStore;
  /** Sessions and bearer tokens. */
  credentials: CredentialStore;
  /** Status links, feedback and uploads of the customer pages. */
  customer: CustomerStore;
  /** Field service: technicians' profiles, parts and stock, assets. */
  field: FieldStore;
  /** agenda on this store's database; pending timers are its jobs. */
  timerJobs: TimerJobs;
  /** When processes with timer start events start themselves next (agenda jobs too). */
  schedules: ProcessScheduleStore;
  /** Attempt counters of the sign-in and intake limits, shared by every node. */
  rateLimits: RateLimitStore;
  /** Secrets every node shares and nobody configures (the intake stamp key). */
  secrets: SecretStore;
  /** Each person's language and notification settings. */
  preferences: PreferenceStore;
  /** Staff notifications (and their emails, written with them). */
  notifications: NotificationStore;
  /**
   * Writes a step atomically. Throws VersionConflictError when the stored instance version is
   * not `expectedVersion` (or when a new instance's id or (processKey, businessKey) exists),
   * TicketNumberTakenError when `ticket` is not the prefix's next number, and then nothing of
   * the step is written.
   */
  commitStep(step: StepWrite): Promise<void>;
  /** Fan-out of live events to the other nodes on this database; null when one node is all there is. */
  liveBus(): LiveBus | null;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  /** The schema version the database is at (for /health). */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}
