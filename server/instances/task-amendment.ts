import { chainEvents } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import type { StockMove } from '../field/field.js';
import { NotFoundError } from '../errors.js';
import type { TicketAccess } from '../customer/customer.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { StepWrite, Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { InstanceRecord } from './instance.js';
import type { InstanceEvents } from './instance-events.js';

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

/**
 * A change to an instance's tasks that does not move the engine (claim, release, pass up, hand
 * over, comment). It is still a step: the instance version advances and the audit events chain on
 * its head, in one transaction with the tasks, so the log and the tasks never disagree.
 * The caller runs it inside the instance's queue.
 */
export async function commitTaskAmendment(
  deps: { store: Store; clock: Clock; events: InstanceEvents },
  instanceId: string,
  build: (instance: InstanceRecord, at: string) => Promise<TaskAmendment> | TaskAmendment,
): Promise<{ instance: InstanceRecord; tasks: TaskRecord[] }> {
  const prepared = await prepareTaskAmendment(deps, instanceId, build);
  if (!prepared.write) return { instance: prepared.instance, tasks: prepared.tasks };
  await deps.store.commitStep(prepared.write);
  announce(deps.events, prepared.write);
  return { instance: prepared.write.instance, tasks: prepared.tasks };
}

/**
 * Several instances' amendments written together (a calendar recompute): each is its own step
 * (version, chain, tasks, timers), and the store writes them in one transaction when it can
 * (`Store.commitSteps`), else one by one. The caller holds every instance's queue.
 */
export async function commitTaskAmendments(
  deps: { store: Store; clock: Clock; events: InstanceEvents },
  instanceIds: readonly string[],
  build: (instance: InstanceRecord, at: string) => Promise<TaskAmendment> | TaskAmendment,
): Promise<number> {
  const writes: StepWrite[] = [];
  for (const instanceId of instanceIds) {
    const prepared = await prepareTaskAmendment(deps, instanceId, build);
    if (prepared.write) writes.push(prepared.write);
  }
  if (deps.store.commitSteps) await deps.store.commitSteps(writes);
  else for (const write of writes) await deps.store.commitStep(write);
  for (const write of writes) announce(deps.events, write);
  return writes.length;
}

async function prepareTaskAmendment(
  deps: { store: Store; clock: Clock },
  instanceId: string,
  build: (instance: InstanceRecord, at: string) => Promise<TaskAmendment> | TaskAmendment,
): Promise<{ instance: InstanceRecord; tasks: TaskRecord[]; write: StepWrite | null }> {
  const instance = await deps.store.instances.get(instanceId);
  if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
  const now = deps.clock.now();
  const at = now.toISOString();
  const { tasks, audit, timers = null, stockMoves, outbox = [], ticketAccess } = await build(instance, at);
  if (!tasks.length && !audit.length && !outbox.length && !ticketAccess) return { instance, tasks, write: null };
  const chained = chainEvents(instance.auditHead, { instanceId, definitionId: instance.definitionId, at: now }, audit);
  const next: InstanceRecord = { ...instance, version: instance.version + 1, auditHead: chained.head, updatedAt: at };
  const write: StepWrite = {
    instance: next,
    expectedVersion: instance.version,
    tasks,
    audit: chained.events,
    timers,
    subscriptions: null,
    incidents: [],
    outbox,
    ticketAccess,
    stockMoves,
  };
  return { instance, tasks, write };
}

function announce(events: InstanceEvents, write: StepWrite): void {
  events.emit('step.committed', { instance: write.instance, tasks: write.tasks, timers: write.timers ?? [], incidents: [], outbox: write.outbox, fired: [] });
}
