import type { AuditEventInput } from '../audit/audit-event.js';
import type { CustomerUpload } from '../customer/customer.js';
import type { TimerRecord } from '../timers/timer.js';
import type { StepDraft } from './commit-write.js';
import { incidentRetry, openIncident, sameRetry } from './incident-retry.js';
import type { IncidentRecord, InstanceRecord } from './instance.js';
import type { StepAction } from './step-action.js';

/**
 * The step failed inside the engine (a condition that cannot be evaluated): nothing of it is
 * kept. The instance stays at its last saved state with an incident that can replay the step.
 */
export interface FailedStep {
  instance: InstanceRecord;
  action: StepAction;
  failure: { elementId: string | null; message: string };
  /** The action's leading events: only an admin's retry of an incident is kept. */
  leading: AuditEventInput[];
  pendingTimers: TimerRecord[];
  openIncidents: IncidentRecord[];
  uploads: CustomerUpload[] | undefined;
}

export function projectIncident(input: FailedStep & { now: Date; newId: () => string }): { draft: StepDraft; incident: IncidentRecord } {
  const { instance, action, failure } = input;
  const at = input.now.toISOString();
  const retry = incidentRetry(action);
  const existing = input.openIncidents.find((incident) => incident.kind === 'expression' && sameRetry(incident.retry, retry));
  const incident = openIncident(instance.id, existing, { ...failure, kind: 'expression', executionId: null, retry }, at, input.newId);
  const audit: AuditEventInput[] = [
    ...input.leading.filter((event) => event.type === 'incident.retried'),
    { type: 'incident.raised', actor: 'system', elementId: failure.elementId, data: { incidentId: incident.id, kind: incident.kind, message: failure.message, retry } },
  ];
  // A timer whose firing failed leaves the pending set (or the scheduler would fire it forever);
  // the saved state still holds it overdue, so the incident's retry fires it on resume.
  const timers = action.kind === 'timer' ? input.pendingTimers.filter((timer) => timer.id !== action.timerId) : null;
  const draft: StepDraft = {
    instance,
    expectedVersion: instance.version,
    at: input.now,
    tasks: [],
    audit,
    timers,
    subscriptions: null,
    incidents: [incident],
    outbox: [],
    uploads: input.uploads,
    announce: { kind: 'incident', incident },
  };
  return { draft, incident };
}
