import type { AuditEventInput } from '../../audit/audit-event.js';
import type { Clock } from '../../clock.js';
import type { TicketAccess } from '../../customer/customer.js';
import { NotFoundError } from '../../errors.js';
import type { StockMove } from '../../field/field.js';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { Store } from '../../stores/store.js';
import type { TaskRecord } from '../../tasks/task.js';
import type { TimerRecord } from '../../timers/timer.js';
import type { StepDraft } from '../commit-write.js';
import type { InstanceRecord } from '../instance.js';

/** What a task action changes: the tasks' next versions and the audit events that say why. */
export interface TaskAmendment {
  tasks: TaskRecord[];
  audit: AuditEventInput[];
  /** The instance's full set of pending timers when the amendment moves some (an SLA pause); absent: unchanged. */
  timers?: TimerRecord[];
  /** Stock reserved or released with the change (a technician re-dispatched). */
  stockMoves?: StockMove[];
  /** Emails to the customer (conversation, a re-sent status link), sent after the step commits. */
  outbox?: OutboxMessage[];
  /** A new status link for the ticket: replaces the previous one (lookup by ticket number and email). */
  ticketAccess?: TicketAccess;
}

/** Builds an amendment on the instance as loaded; run again on a fresh load when another writer was first. */
export type AmendmentBuild = (instance: InstanceRecord, at: string) => Promise<TaskAmendment> | TaskAmendment;

/**
 * A change to an instance's tasks that does not move the engine (claim, release, pass up, hand
 * over, comment). It is still a step: the instance version advances and the audit events chain on
 * its head (commitWrite), in one transaction with the tasks, so the log and the tasks never
 * disagree. Null draft: the build changed nothing.
 */
export async function draftAmendment(
  deps: { store: Store; clock: Clock },
  instanceId: string,
  build: AmendmentBuild,
): Promise<{ instance: InstanceRecord; tasks: TaskRecord[]; draft: StepDraft | null }> {
  const instance = await deps.store.instances.get(instanceId);
  if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
  const now = deps.clock.now();
  const { tasks, audit, timers = null, stockMoves, outbox = [], ticketAccess } = await build(instance, now.toISOString());
  if (!tasks.length && !audit.length && !outbox.length && !ticketAccess) return { instance, tasks, draft: null };
  const draft: StepDraft = {
    instance,
    expectedVersion: instance.version,
    at: now,
    tasks,
    audit,
    timers,
    subscriptions: null,
    incidents: [],
    outbox,
    ticketAccess,
    stockMoves,
    announce: { kind: 'step', fired: [] },
  };
  return { instance, tasks, draft };
}
