import type { AuditEventInput } from '../audit/audit-event.js';
import { diffVariables } from '../audit/variable-diff.js';
import type { CalendarSnapshot } from '../calendars/calendar-directory.js';
import { customerWait } from '../calendars/runner-calendars.js';
import type { SlaPauseState } from '../calendars/sla-pause.js';
import type { TicketAccess, CustomerUpload } from '../customer/customer.js';
import type { StepSnapshot } from '../engine/step-run.js';
import type { ExternalTaskRecord } from '../external-tasks/external-task.js';
import { externalTaskChanges } from '../external-tasks/external-step.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { StepDraft } from './commit-write.js';
import { openIncident, resolvesByAction } from './incident-retry.js';
import type { IncidentRecord, InstanceRecord, MessageSubscription } from './instance.js';
import { projectTasks } from './project-tasks.js';
import type { StepAction } from './step-action.js';
import type { StepFacts } from './step-facts.js';

/** Everything a step's projection needs besides the engine's snapshot, resolved beforehand (no I/O in projection). */
export interface ProjectionContext {
  now: Date;
  /** The version the step started from; null for a start. */
  expectedVersion: number | null;
  /** Audit events before the engine's own (the action's, an intervention's). */
  leading: AuditEventInput[];
  openTasks: TaskRecord[];
  openIncidents: IncidentRecord[];
  pendingTimers: TimerRecord[];
  action?: StepAction;
  retried?: IncidentRecord | null;
  ticketAccess?: TicketAccess;
  uploads?: CustomerUpload[] | undefined;
  ticket?: { prefix: string; seq: number };
  externalTasks?: ExternalTaskRecord[];
  calendars: CalendarSnapshot;
  processCalendar: string | null;
  /** The tasks the step opens, routed (executionId →). */
  routed: ReadonlyMap<string, TaskRecord>;
  /** The SLA pause state when the step turns the customer wait (customerWaitTurns); else null. */
  pause: SlaPauseState | null;
  /** Ids for new incidents and outbox messages. */
  newId: () => string;
}

export interface Projection {
  draft: StepDraft;
  /** Tasks the step opened. */
  opened: TaskRecord[];
  /** An incident the step left open (a service that failed). */
  incident: IncidentRecord | null;
}

/** What one engine step writes, as a pure function of the instance, the snapshot, the run's facts and the resolved context. */
export function projectStep(instance: InstanceRecord, snapshot: StepSnapshot, facts: StepFacts, context: ProjectionContext): Projection {
  const { now, action } = context;
  const at = now.toISOString();
  // Copies: routing a task counts its department's timers again and says so in their `timer.scheduled` events.
  const stepAudit = facts.audit.map((event) => ({ ...event }));
  const snapshotTimers = snapshot.timers.map((timer) => ({ ...timer }));
  const projected = projectTasks({
    waiting: snapshot.waiting,
    variables: snapshot.variables,
    timers: snapshotTimers,
    stepAudit,
    fired: facts.fired,
    openTasks: context.openTasks,
    routed: context.routed,
    action,
    calendars: context.calendars,
    processCalendar: context.processCalendar,
    now,
  });
  const tasks = projected.tasks;
  const audit: AuditEventInput[] = [...context.leading, ...stepAudit, ...projected.audit];

  // Incidents: a failed connector call opens one (keyed by its run, so a repeat failure updates
  // it); a call that now succeeded, or the replay of a failed step, resolves it.
  const incidents: IncidentRecord[] = [];
  for (const [executionId, failure] of facts.serviceFailures) {
    const existing = context.openIncidents.find((incident) => incident.executionId === executionId);
    const incident = openIncident(instance.id, existing, { ...failure, kind: 'service', executionId, retry: { kind: 'resume' } }, at, context.newId);
    incidents.push(incident);
    audit.push({ type: 'incident.raised', actor: 'system', elementId: failure.elementId, data: { incidentId: incident.id, kind: 'service', message: failure.message } });
  }
  const external = externalTaskChanges({
    instance,
    waits: facts.externalWaits,
    existing: context.externalTasks ?? [],
    completed: action?.kind === 'external-complete' || action?.kind === 'external-error' ? action.executionId : null,
    failure: action?.kind === 'external-failure' ? action : null,
    retried: context.retried ?? null,
    linked: action?.kind === 'external-linked' ? action : null,
    now,
  });
  audit.push(...external.audit);
  incidents.push(...external.incidents);
  for (const incident of context.openIncidents) {
    const resolved =
      (incident.executionId !== null && (facts.servicesCompleted.has(incident.executionId) || external.reopened.has(incident.executionId))) ||
      (incident.kind === 'expression' && (context.retried?.id === incident.id || resolvesByAction(incident, action))) ||
      // A worker's answer that failed a condition is replayed by the worker answering again.
      (incident.kind === 'expression' && incident.retry.kind === 'resume' && (action?.kind === 'external-complete' || action?.kind === 'external-error')) ||
      snapshot.ended !== null;
    if (!resolved) continue;
    incidents.push({ ...incident, status: 'resolved', resolvedAt: at });
    audit.push({ type: 'incident.resolved', actor: 'system', elementId: incident.elementId, data: { incidentId: incident.id } });
  }

  // Variables as a diff against the last saved step, so replay can rebuild them at any step.
  const changed = diffVariables(instance.variables, snapshot.variables);
  if (changed) audit.push({ type: 'variables.changed', actor: facts.actor, data: { ...changed } });
  if (snapshot.ended === 'completed') audit.push({ type: 'instance.completed', actor: 'system', data: {} });

  const pendingClocks = new Map(context.pendingTimers.map((timer) => [timer.id, timer.clock]));
  let timers: TimerRecord[] = snapshotTimers.map((timer) => {
    const id = `${instance.id}:${timer.executionId}`;
    // A re-armed timer keeps its saved clock; one an operator moved by hand has none any more.
    const clock = action?.kind === 'reschedule-timer' && action.timerId === id ? undefined : (timer.clock ?? pendingClocks.get(id));
    return { id, instanceId: instance.id, executionId: timer.executionId, elementId: timer.elementId, timerType: timer.timerType, dueAt: timer.dueAt.toISOString(), ...(clock && { clock }) };
  });
  // A task for the customer stops the ticket's SLA clocks; the customer's answer starts them again (issue 16).
  if (snapshot.ended === null) {
    const wait = customerWait({ pause: context.pause, before: context.openTasks, changed: tasks, timers, calendars: context.calendars, now });
    if (wait) {
      timers = wait.timers;
      for (const task of wait.tasks) {
        const index = tasks.findIndex((candidate) => candidate.id === task.id);
        if (index >= 0) tasks[index] = task;
        else tasks.push(task);
      }
      audit.push(...wait.audit);
    }
  }
  const subscriptions: MessageSubscription[] = snapshot.waiting
    .filter((api) => api.content.message?.name)
    .map((api) => ({
      instanceId: instance.id,
      messageName: String(api.content.message?.name),
      businessKey: instance.businessKey,
      elementId: api.id,
      executionId: api.executionId,
    }));
  const outbox: OutboxMessage[] = facts.emails.map((email) => ({
    id: context.newId(),
    instanceId: instance.id,
    idempotencyKey: email.idempotencyKey,
    channel: 'email',
    payload: { to: email.to, subject: email.subject, body: email.body, ...(email.attachments?.length ? { attachments: email.attachments } : {}) },
    createdAt: at,
    sentAt: null,
    attempts: 0,
    lastError: null,
  }));

  const next: InstanceRecord = {
    ...instance,
    status: snapshot.ended ?? 'running',
    variables: snapshot.variables,
    state: snapshot.state,
    engineVersion: engineVersionOf(snapshot) || instance.engineVersion,
    endedAt: snapshot.ended ? at : null,
  };
  const fired = facts.fired.map((timer) => ({ elementId: timer.elementId, scheduledAt: timer.dueAt.toISOString(), firedAt: at }));
  const draft: StepDraft = {
    instance: next,
    expectedVersion: context.expectedVersion,
    at: now,
    tasks,
    audit,
    timers,
    subscriptions,
    incidents,
    outbox,
    ticketAccess: context.ticketAccess,
    uploads: context.uploads,
    ticket: context.ticket,
    stockMoves: facts.stockMoves,
    externalTasks: external.rows,
    announce: { kind: 'step', fired },
  };
  const incident = incidents.find((candidate) => candidate.status === 'open') ?? null;
  return { draft, opened: projected.opened, incident };
}

export function engineVersionOf(snapshot: StepSnapshot): string {
  return typeof snapshot.state?.engineVersion === 'string' ? snapshot.state.engineVersion : '';
}
