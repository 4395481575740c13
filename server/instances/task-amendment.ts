import { chainEvents } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import type { StockMove } from '../field/field.js';
import { NotFoundError } from '../errors.js';
import type { Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { InstanceRecord } from './instance.js';
import type { InstanceEvents } from './instance-events.js';

/** What a task action changes: the tasks' next versions and the audit events that say why. */
export interface TaskAmendment {
  tasks: TaskRecord[];
  audit: AuditEventInput[];
  /** Stock reserved or released with the change (a technician re-dispatched). */
  stockMoves?: StockMove[];
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
  const instance = await deps.store.instances.get(instanceId);
  if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
  const now = deps.clock.now();
  const at = now.toISOString();
  const { tasks, audit, stockMoves } = await build(instance, at);
  if (!tasks.length && !audit.length) return { instance, tasks };
  const chained = chainEvents(instance.auditHead, { instanceId, definitionId: instance.definitionId, at: now }, audit);
  const next: InstanceRecord = { ...instance, version: instance.version + 1, auditHead: chained.head, updatedAt: at };
  await deps.store.commitStep({
    instance: next,
    expectedVersion: instance.version,
    tasks,
    audit: chained.events,
    timers: null,
    subscriptions: null,
    incidents: [],
    outbox: [],
    stockMoves,
  });
  deps.events.emit('step.committed', { instance: next, tasks, timers: [], incidents: [], outbox: [], fired: [] });
  return { instance: next, tasks };
}
