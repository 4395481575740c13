import type { AuditEvent } from '../audit/audit-event.js';
import type { AuditStore } from '../audit/audit.store.js';
import type { CredentialStore } from '../auth/credential.store.js';
import type { CustomerStore } from '../customer/customer.store.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import type { DepartmentStore } from '../departments/department.store.js';
import type { IncidentRecord, InstanceRecord, MessageSubscription } from '../instances/instance.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { OutboxStore } from '../outbox/outbox.store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { TimerRecord } from '../timers/timer.js';
import type { ProcessScheduleStore } from '../timers/process-schedule.js';
import type { TimerJobs } from '../timers/timer-jobs.js';
import type { TimerStore } from '../timers/timer.store.js';
import type { UserStore } from '../users/user.store.js';
import type { CustomerUpload, TicketAccess } from '../customer/customer.js';

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
  /** The ticket's customer status link (its hash): inserted with the instance, or replacing its previous link. */
  ticketAccess?: TicketAccess;
  /** Files the customer answered a task with: inserted with the step, so a refused step keeps none. */
  uploads?: CustomerUpload[];
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
  /** agenda on this store's database; pending timers are its jobs. */
  timerJobs: TimerJobs;
  /** When processes with timer start events start themselves next (agenda jobs too). */
  schedules: ProcessScheduleStore;
  /**
   * Writes a step atomically. Throws VersionConflictError when the stored instance version is
   * not `expectedVersion` (or when a new instance's id or (processKey, businessKey) exists),
   * and then nothing of the step is written.
   */
  commitStep(step: StepWrite): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
