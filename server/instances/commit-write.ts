import { chainEvents } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { crashPoint } from '../crash-points.js';
import type { StepWrite, Store } from '../stores/store.js';
import type { IncidentRecord, InstanceRecord } from './instance.js';
import type { InstanceEvents, StepCommitted } from './instance-events.js';

/**
 * A step's write before it is committed: the instance as the step leaves it, except for what
 * commitWrite adds (the audit chain on its head, the next version, the time), and the audit
 * events in order, not yet chained.
 */
export interface StepDraft extends Omit<StepWrite, 'instance' | 'audit'> {
  instance: InstanceRecord;
  audit: AuditEventInput[];
  at: Date;
  /** What listeners hear once it is saved: the step (with the timers it fired), or only the incident it raised instead. */
  announce: { kind: 'step'; fired: StepCommitted['fired'] } | { kind: 'incident'; incident: IncidentRecord };
}

export interface CommitDeps {
  store: Store;
  events: InstanceEvents;
}

/**
 * The one way a step is saved, whatever made it (the engine, an incident instead of a step, a
 * change of tasks): its events chained on the instance's head, the version bumped, one
 * transaction (a VersionConflictError when another writer was first), then the events.
 */
export async function commitWrite(deps: CommitDeps, draft: StepDraft): Promise<StepWrite> {
  const write = chained(draft);
  crashPoint('before-commit');
  await deps.store.commitStep(write);
  crashPoint('after-commit');
  announce(deps.events, draft, write);
  return write;
}

/** Several steps (of different instances) in one transaction when the store can (`Store.commitSteps`), else one by one. */
export async function commitWrites(deps: CommitDeps, drafts: readonly StepDraft[]): Promise<StepWrite[]> {
  const writes = drafts.map(chained);
  crashPoint('before-commit');
  if (deps.store.commitSteps) await deps.store.commitSteps(writes);
  else for (const write of writes) await deps.store.commitStep(write);
  crashPoint('after-commit');
  drafts.forEach((draft, index) => {
    const write = writes[index];
    if (write) announce(deps.events, draft, write);
  });
  return writes;
}

function chained(draft: StepDraft): StepWrite {
  const { at, announce: _announce, instance, audit, ...rest } = draft;
  const chain = chainEvents(instance.auditHead, { instanceId: instance.id, definitionId: instance.definitionId, at }, audit);
  const next: InstanceRecord = { ...instance, version: (draft.expectedVersion ?? 0) + 1, auditHead: chain.head, updatedAt: at.toISOString() };
  return { ...rest, instance: next, audit: chain.events };
}

function announce(events: InstanceEvents, draft: StepDraft, write: StepWrite): void {
  if (draft.announce.kind === 'incident') {
    events.emit('incident.raised', draft.announce.incident);
    return;
  }
  const { instance, tasks, timers, incidents, outbox } = write;
  events.emit('step.committed', { instance, tasks, timers: timers ?? [], incidents, outbox, fired: draft.announce.fired });
}
