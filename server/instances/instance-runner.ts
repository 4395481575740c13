import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import { chainEvents, GENESIS_HASH } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { diffVariables } from '../audit/variable-diff.js';
import type { Clock } from '../clock.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { SourceCache } from '../engine/bpmn-source.js';
import type { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import type { ElementApi, EngineState } from '../engine/engine-types.js';
import { StepRun, type StepSnapshot, type TimerInfo } from '../engine/step-run.js';
import { resolveUserTask, type UserTaskAttributes, type UserTaskBehaviour } from '../engine/user-task-attributes.js';
import { ConflictError, ExpressionError, InvalidInputError, NotFoundError, TaskChangedError, TicketNumberTakenError, UnavailableError, VersionConflictError } from '../errors.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { Store, StepWrite } from '../stores/store.js';
import type { CustomerUpload, TicketAccess } from '../customer/customer.js';
import type { TaskEscalation, TaskRecord } from '../tasks/task.js';
import type { TaskRouting } from '../routing/task-router.js';
import { cancelTask, completeTask, openTask } from '../tasks/task-records.js';
import { taskFormFields } from '../tasks/task-form-fields.js';
import type { TimerRecord } from '../timers/timer.js';
import type { IncidentRecord, IncidentRetry, InstanceRecord, MessageSubscription } from './instance.js';
import { InstanceEvents } from './instance-events.js';
import { crashPoint } from '../crash-points.js';
import { KeyedQueue } from './keyed-queue.js';
import { TicketNumbers, type TicketReservation } from './ticket-numbers.js';
import { commitTaskAmendment } from './task-amendment.js';

/** A user task's assignee, due date or routing expression failed while the step opened it: an incident, not a task without them. */
class TaskAttributeFailure extends Error {
  constructor(
    readonly elementId: string,
    message: string,
  ) {
    super(message);
  }
}

const TASK_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);
const MAX_VERSION_RETRIES = 3;
/** A start whose number was taken (another node, a released lower number) runs again this often. */
const MAX_TICKET_RETRIES = 20;

/** What moves an existing instance one step. */
export type StepAction =
  /** `taskVersion`: the version the caller's checks (owner, form) ran against; a task changed since is refused. */
  /** `uploads`: the customer's files the output references, stored with the step (none if it is refused). */
  | { kind: 'complete-task'; taskId: string; output: Record<string, unknown>; actor: string; taskVersion?: number; uploads?: CustomerUpload[] }
  /** A due timer; `force` fires it now whatever its due time (an operator testing a process). */
  | { kind: 'timer'; timerId: string; force?: boolean; actor?: string; reason?: string }
  | { kind: 'reschedule-timer'; timerId: string; dueAt: Date; reason: string; actor: string }
  | { kind: 'message'; executionId: string; messageName: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'cancel'; actor: string; reason: string }
  | { kind: 'retry'; incidentId: string; actor: string; reason?: string };

export interface StepResult {
  instance: InstanceRecord;
  /** Tasks this step opened. */
  opened: TaskRecord[];
  /** Set when the step could not run and an incident was raised instead. */
  incident: IncidentRecord | null;
  /** True when there was nothing to do (a timer that already fired, for instance). */
  noop: boolean;
}

export interface StartRequest {
  variables: Record<string, unknown>;
  businessKey: string | null;
  actor: string;
  /** Name of the start message when a message started the instance. */
  startMessage?: string;
  /** Timer start event that fired: the instance does not wait at it again. */
  startTimer?: string;
  /** Emails to queue with the start, in its transaction (the customer's ticket confirmation); given the ticket number. */
  emails?: (ticketNumber: string) => { to: string; subject: string; body: string }[];
  /** The customer's private status link (its hash), stored with the start so a mailed link always opens. */
  statusAccess?: { tokenHash: string; expiresAt: string };
}

export interface InstanceRunnerDeps {
  store: Store;
  sources: SourceCache;
  clock: Clock;
  connectors: ConnectorRegistry;
  logger: Logger;
  events?: InstanceEvents;
  /** Where opened tasks go; without one, to the first candidate group or the lane name, unassigned unless the diagram assigns. */
  router?: TaskRouting;
}

/**
 * Advances instances one step at a time: load the saved state, recover it into a new Engine,
 * apply the signal, run to the next wait, save everything the step changed in one transaction,
 * let the engine go. One writer per instance (a queue here, a version check in the store).
 */
export class InstanceRunner {
  readonly events: InstanceEvents;
  private readonly queue = new KeyedQueue();
  private accepting = true;
  private readonly router: TaskRouting;
  private readonly tickets: TicketNumbers;

  constructor(private readonly deps: InstanceRunnerDeps) {
    this.events = deps.events ?? new InstanceEvents();
    this.router = deps.router ?? diagramOnlyRouting;
    this.tickets = new TicketNumbers(deps.store.instances);
  }

  async start(definition: DefinitionRecord, request: StartRequest): Promise<StepResult> {
    this.assertAccepting();
    const { store, clock } = this.deps;
    if (request.businessKey) {
      const existing = await store.instances.findByBusinessKey(definition.key, request.businessKey);
      if (existing) throw duplicateBusinessKey(definition.key, request.businessKey, existing);
    }
    const id = randomUUID();
    return this.queue.run(id, async () => {
      for (let attempt = 1; ; attempt++) {
        // The number is reserved, not taken: the commit takes it (see ticket-numbers.ts).
        const ticket = await this.tickets.reserve(definition.ticketPrefix);
        try {
          return await this.startWith(definition, request, id, ticket);
        } catch (err) {
          if (!(err instanceof TicketNumberTakenError) || attempt >= MAX_TICKET_RETRIES) throw err;
          this.deps.logger.debug({ instanceId: id, ticketNumber: ticket.ticketNumber, attempt }, 'ticket number taken meanwhile, starting again with the next');
        } finally {
          this.tickets.release(ticket);
        }
      }
    });
  }

  /** One attempt of a start with a reserved ticket number; nothing is saved unless the commit takes the number. */
  private async startWith(definition: DefinitionRecord, request: StartRequest, id: string, ticket: TicketReservation): Promise<StepResult> {
    const { store, clock } = this.deps;
    const { ticketNumber } = ticket;
    const now = clock.now();
    const source = await this.deps.sources.get(definition);
    const dueNow = new Set(request.startTimer ? [request.startTimer] : []);
    const run = new StepRun({ instanceId: id, ticketNumber, source }, this.deps, new Map(), dueNow);
    run.actor = request.actor;
    const started: AuditEventInput = {
      type: 'instance.started',
      actor: request.actor,
      data: { processKey: definition.key, version: definition.version, ticketNumber, businessKey: request.businessKey, variables: request.variables },
    };
    await run.start({ ...request.variables, ticketNumber });
    if (request.startMessage) {
      const wait = findMessageWait(run, request.startMessage);
      if (wait) await run.signal(wait.executionId, request.variables);
    }
    const failure = stepFailure(run);
    if (failure) {
      await run.suspend();
      // Nothing was saved yet: a start that cannot run is refused, not half-stored.
      throw new InvalidInputError(`The process could not start: ${failure.message}`, [failure]);
    }
    const snapshot = await run.snapshot();
    await run.suspend();
    (request.emails?.(ticketNumber) ?? []).forEach((email, index) => run.emails.push({ ...email, idempotencyKey: `${id}:start:${index}` }));
    const instance: InstanceRecord = {
      id,
      definitionId: definition.id,
      processKey: definition.key,
      definitionVersion: definition.version,
      ticketNumber,
      businessKey: request.businessKey,
      status: 'running',
      variables: {},
      state: null,
      engineVersion: engineVersionOf(snapshot),
      version: 0,
      auditHead: { seq: 0, hash: GENESIS_HASH },
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      endedAt: null,
    };
    try {
      const ticketAccess = request.statusAccess ? { ...request.statusAccess, instanceId: id, createdAt: now.toISOString() } : undefined;
      const context = { openTasks: [], openIncidents: [], ticketAccess, ticket: { prefix: ticket.prefix, seq: ticket.seq } };
      return await this.tickets.inOrder(ticket, () => this.commit(instance, null, run, snapshot, [started], context));
    } catch (err) {
      if (err instanceof TaskAttributeFailure) {
        throw new InvalidInputError(`The process could not start: ${err.message}`, [{ elementId: err.elementId, message: err.message }]);
      }
      if (err instanceof VersionConflictError && request.businessKey) {
        const existing = await store.instances.findByBusinessKey(definition.key, request.businessKey);
        if (existing) throw duplicateBusinessKey(definition.key, request.businessKey, existing);
      }
      throw err;
    }
  }

  /** Applies one action to an instance; retried from a fresh load when another node won the version race. */
  apply(instanceId: string, action: StepAction): Promise<StepResult> {
    this.assertAccepting();
    return this.queue.run(instanceId, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.step(instanceId, action);
        } catch (err) {
          if (!(err instanceof VersionConflictError) || attempt >= MAX_VERSION_RETRIES) throw err;
          this.deps.logger.debug({ instanceId, attempt }, 'version conflict, reloading');
        }
      }
    });
  }

  /** Changes an instance's tasks without the engine (see task-amendment.ts), one writer at a time like any step. */
  amend(instanceId: string, build: Parameters<typeof commitTaskAmendment>[2]): Promise<{ instance: InstanceRecord; tasks: TaskRecord[] }> {
    this.assertAccepting();
    return this.queue.run(instanceId, () => commitTaskAmendment({ ...this.deps, events: this.events }, instanceId, build));
  }

  /** Stops taking new steps and waits until every step in progress has saved. */
  async drain(): Promise<void> {
    this.accepting = false;
    await this.queue.idle();
  }

  private assertAccepting(): void {
    if (!this.accepting) throw new UnavailableError('Baton is shutting down; try again in a moment');
  }

  private async step(instanceId: string, action: StepAction): Promise<StepResult> {
    const { store } = this.deps;
    const instance = await store.instances.get(instanceId);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    if (instance.status !== 'running') {
      if (action.kind === 'timer') return noop(instance);
      throw new ConflictError(`Ticket ${instance.ticketNumber} is ${instance.status}; nothing more can happen to it`);
    }
    const [openTasks, incidents, pendingTimers] = await Promise.all([
      store.tasks.list({ instanceId, status: 'open' }),
      store.instances.incidents(instanceId),
      store.timers.forInstance(instanceId),
    ]);
    const openIncidents = incidents.filter((incident) => incident.status === 'open');

    let effective: StepAction = action;
    let retried: IncidentRecord | null = null;
    if (action.kind === 'retry') {
      retried = openIncidents.find((incident) => incident.id === action.incidentId) ?? null;
      if (!retried) throw new ConflictError(`Incident ${action.incidentId} is not open on ticket ${instance.ticketNumber}`);
      effective = retryAction(retried.retry, action.actor) ?? action;
    }
    if (effective.kind === 'complete-task') {
      const { taskId, taskVersion } = effective;
      const open = openTasks.find((candidate) => candidate.id === taskId);
      if (!open) throw new ConflictError('The task is no longer open: it was completed or cancelled');
      if (taskVersion !== undefined && open.version !== taskVersion) {
        throw new TaskChangedError(`The task changed meanwhile (version ${taskVersion} was checked, it is at ${open.version}); reload it`);
      }
    }
    const saved = new Map(pendingTimers.map((timer) => [timer.executionId, new Date(timer.dueAt)]));
    const extra: AuditEventInput[] = [];
    if (action.kind === 'timer' || action.kind === 'reschedule-timer') {
      const timer = pendingTimers.find((candidate) => candidate.id === action.timerId);
      if (!timer) {
        if (action.kind === 'timer' && !action.force) return noop(instance);
        throw new ConflictError(`Timer ${action.timerId} is not pending any more`);
      }
      if (action.kind === 'timer' && action.force) {
        saved.set(timer.executionId, this.deps.clock.now());
        extra.push({ type: 'timer.forced', actor: action.actor ?? 'api', elementId: timer.elementId, data: { timerId: timer.id, dueAt: timer.dueAt, reason: action.reason ?? null } });
      }
      if (action.kind === 'reschedule-timer') {
        saved.set(timer.executionId, action.dueAt);
        extra.push({
          type: 'timer.rescheduled',
          actor: action.actor,
          elementId: timer.elementId,
          data: { timerId: timer.id, from: timer.dueAt, to: action.dueAt.toISOString(), reason: action.reason },
        });
      }
    }

    const definition = await store.definitions.getById(instance.definitionId);
    if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
    const source = await this.deps.sources.get(definition);
    const run = new StepRun({ instanceId, ticketNumber: instance.ticketNumber, source }, this.deps, saved);
    if (retried && action.kind === 'retry') extra.push({ type: 'incident.retried', actor: action.actor, data: { incidentId: retried.id, reason: action.reason ?? null } });

    run.actor = 'actor' in effective && effective.actor ? effective.actor : 'timer';
    await run.resume(instance.state as EngineState);
    await this.applyAction(run, effective, openTasks, extra);

    if (action.kind === 'timer' && !action.force && run.audit.length === 0) {
      // Woken early (the scheduler's clock ahead of Baton's) or for nothing: no step to save.
      await run.suspend();
      return noop(instance);
    }
    // Files sent with the answer: kept with the step, or with its incident (whose retry's output references them).
    const uploads = action.kind === 'complete-task' ? action.uploads : undefined;
    const failure = stepFailure(run);
    if (failure) {
      await run.suspend();
      return this.commitIncident(instance, effective, failure, extra, pendingTimers, openIncidents, uploads);
    }
    const snapshot = await run.snapshot();
    await run.suspend();
    try {
      return await this.commit(instance, instance.version, run, snapshot, extra, { openTasks, openIncidents, action: effective, retried, uploads });
    } catch (err) {
      if (!(err instanceof TaskAttributeFailure)) throw err;
      return this.commitIncident(instance, effective, { elementId: err.elementId, message: err.message }, extra, pendingTimers, openIncidents, uploads);
    }
  }

  private async applyAction(run: StepRun, action: StepAction, openTasks: TaskRecord[], extra: AuditEventInput[]): Promise<void> {
    switch (action.kind) {
      case 'complete-task': {
        const task = openTasks.find((candidate) => candidate.id === action.taskId);
        if (!run.waiting(action.taskId)) throw new ConflictError('The task is no longer waiting in the process');
        extra.push({ type: 'task.completed', actor: action.actor, elementId: task?.elementId ?? null, data: { taskId: action.taskId, output: action.output } });
        await run.signal(action.taskId, action.output);
        return;
      }
      case 'message': {
        if (!run.waiting(action.executionId)) throw new ConflictError(`Nothing waits for message '${action.messageName}' any more`);
        extra.push({ type: 'message.correlated', actor: action.actor, data: { messageName: action.messageName, executionId: action.executionId, variables: action.variables } });
        await run.signal(action.executionId, action.variables);
        return;
      }
      case 'cancel':
        extra.push({ type: 'instance.cancelled', actor: action.actor, data: { reason: action.reason } });
        await run.cancel();
        return;
      case 'timer':
      case 'reschedule-timer':
      case 'retry':
        // A due timer fires during resume (a rescheduled one is re-armed with its new due time);
        // a retried service runs again during resume.
        return;
    }
  }

  /**
   * The step failed inside the engine (a condition that cannot be evaluated): nothing of it is
   * kept. The instance stays at its last saved state with an incident that can replay the step.
   */
  private async commitIncident(
    instance: InstanceRecord,
    action: StepAction,
    failure: { elementId: string | null; message: string },
    extra: AuditEventInput[],
    pendingTimers: TimerRecord[],
    openIncidents: IncidentRecord[],
    uploads: CustomerUpload[] | undefined,
  ): Promise<StepResult> {
    const now = this.deps.clock.now().toISOString();
    const retry = incidentRetry(action);
    const existing = openIncidents.find((incident) => incident.kind === 'expression' && sameRetry(incident.retry, retry));
    const incident = openIncident(instance.id, existing, { ...failure, kind: 'expression', executionId: null, retry }, now);
    const audit = [
      ...extra.filter((event) => event.type === 'incident.retried'),
      { type: 'incident.raised', actor: 'system', elementId: failure.elementId, data: { incidentId: incident.id, kind: incident.kind, message: failure.message, retry } },
    ];
    const chained = chainEvents(instance.auditHead, { instanceId: instance.id, definitionId: instance.definitionId, at: new Date(now) }, audit);
    const next: InstanceRecord = { ...instance, version: instance.version + 1, updatedAt: now, auditHead: chained.head };
    // A timer whose firing failed leaves the pending set (or the scheduler would fire it forever);
    // the saved state still holds it overdue, so the incident's retry fires it on resume.
    const timers = action.kind === 'timer' ? pendingTimers.filter((timer) => timer.id !== action.timerId) : null;
    await this.deps.store.commitStep({
      instance: next,
      expectedVersion: instance.version,
      tasks: [],
      audit: chained.events,
      timers,
      subscriptions: null,
      incidents: [incident],
      outbox: [],
      uploads,
    });
    this.events.emit('incident.raised', incident);
    return { instance: next, opened: [], incident, noop: false };
  }

  private async commit(
    instance: InstanceRecord,
    expectedVersion: number | null,
    run: StepRun,
    snapshot: StepSnapshot,
    leading: AuditEventInput[],
    context: {
      openTasks: TaskRecord[];
      openIncidents: IncidentRecord[];
      action?: StepAction;
      retried?: IncidentRecord | null;
      ticketAccess?: TicketAccess;
      uploads?: CustomerUpload[] | undefined;
      ticket?: { prefix: string; seq: number };
    },
  ): Promise<StepResult> {
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const audit: AuditEventInput[] = [...leading, ...run.audit];

    // Tasks: open what newly waits, close what stopped waiting.
    const waitingIds = new Set(snapshot.waiting.map((api) => api.executionId));
    const tasks: TaskRecord[] = [];
    const opened: TaskRecord[] = [];
    const action = context.action;
    for (const task of context.openTasks) {
      if (waitingIds.has(task.id)) continue;
      if (action?.kind === 'complete-task' && action.taskId === task.id) {
        tasks.push(completeTask(task, action.actor, action.output, at));
      } else {
        tasks.push(cancelTask(task, at));
        audit.push({ type: 'task.cancelled', actor: 'system', elementId: task.elementId, data: { taskId: task.id } });
      }
    }
    const known = new Set(context.openTasks.map((task) => task.id));
    const escalation = escalationOf(run.firedTimers(), tasks, at);
    for (const api of snapshot.waiting) {
      if (!TASK_TYPES.has(api.type) || known.has(api.executionId)) continue;
      const task = withSla(await this.openTaskFor(api, instance, snapshot.variables, at, run), snapshot.timers, escalation);
      tasks.push(task);
      opened.push(task);
      if (task.escalatedFrom) {
        audit.push({ type: 'task.escalated', actor: 'timer', elementId: task.elementId, data: { ...task.escalatedFrom, toTaskId: task.id } });
      }
      audit.push({
        type: 'task.created',
        actor: 'system',
        elementId: task.elementId,
        data: { taskId: task.id, department: task.department, assignee: task.assignee, candidateGroups: task.candidateGroups, dueAt: task.dueAt, routing: task.routingReason },
      });
    }

    // Incidents: a failed connector call opens one (keyed by its run, so a repeat failure updates
    // it); a call that now succeeded, or the replay of a failed step, resolves it.
    const incidents: IncidentRecord[] = [];
    for (const [executionId, failure] of run.serviceFailures) {
      const existing = context.openIncidents.find((incident) => incident.executionId === executionId);
      const incident = openIncident(instance.id, existing, { ...failure, kind: 'service', executionId, retry: { kind: 'resume' } }, at);
      incidents.push(incident);
      audit.push({ type: 'incident.raised', actor: 'system', elementId: failure.elementId, data: { incidentId: incident.id, kind: 'service', message: failure.message } });
    }
    for (const incident of context.openIncidents) {
      const resolved =
        (incident.executionId !== null && run.servicesCompleted.has(incident.executionId)) ||
        (incident.kind === 'expression' && (context.retried?.id === incident.id || resolvesByAction(incident, action))) ||
        snapshot.ended !== null;
      if (!resolved) continue;
      incidents.push({ ...incident, status: 'resolved', resolvedAt: at });
      audit.push({ type: 'incident.resolved', actor: 'system', elementId: incident.elementId, data: { incidentId: incident.id } });
    }

    // Variables as a diff against the last saved step, so replay can rebuild them at any step.
    const changed = diffVariables(instance.variables, snapshot.variables);
    if (changed) audit.push({ type: 'variables.changed', actor: run.actor, data: { ...changed } });
    if (snapshot.ended === 'completed') audit.push({ type: 'instance.completed', actor: 'system', data: {} });

    const chained = chainEvents(instance.auditHead, { instanceId: instance.id, definitionId: instance.definitionId, at: now }, audit);
    const next: InstanceRecord = {
      ...instance,
      status: snapshot.ended ?? 'running',
      variables: snapshot.variables,
      state: snapshot.state,
      engineVersion: engineVersionOf(snapshot) || instance.engineVersion,
      version: (expectedVersion ?? 0) + 1,
      auditHead: chained.head,
      updatedAt: at,
      endedAt: snapshot.ended ? at : null,
    };
    const timers: TimerRecord[] = snapshot.timers.map((timer) => ({
      id: `${instance.id}:${timer.executionId}`,
      instanceId: instance.id,
      executionId: timer.executionId,
      elementId: timer.elementId,
      timerType: timer.timerType,
      dueAt: timer.dueAt.toISOString(),
    }));
    const subscriptions: MessageSubscription[] = snapshot.waiting
      .filter((api) => api.content.message?.name)
      .map((api) => ({
        instanceId: instance.id,
        messageName: String(api.content.message?.name),
        businessKey: instance.businessKey,
        elementId: api.id,
        executionId: api.executionId,
      }));
    const outbox: OutboxMessage[] = run.emails.map((email) => ({
      id: randomUUID(),
      instanceId: instance.id,
      idempotencyKey: email.idempotencyKey,
      channel: 'email',
      payload: { to: email.to, subject: email.subject, body: email.body, ...(email.attachments?.length ? { attachments: email.attachments } : {}) },
      createdAt: at,
      sentAt: null,
      attempts: 0,
      lastError: null,
    }));

    const write: StepWrite = {
      instance: next,
      expectedVersion,
      tasks,
      audit: chained.events,
      timers,
      subscriptions,
      incidents,
      outbox,
      ticketAccess: context.ticketAccess,
      uploads: context.uploads,
      ticket: context.ticket,
      stockMoves: run.stockMoves,
    };
    crashPoint('before-commit');
    await this.deps.store.commitStep(write);
    crashPoint('after-commit');
    const fired = run.firedTimers().map((timer) => ({ elementId: timer.elementId, scheduledAt: timer.dueAt.toISOString(), firedAt: at }));
    this.events.emit('step.committed', { instance: next, tasks, timers, incidents, outbox, fired });
    const incident = incidents.find((candidate) => candidate.status === 'open') ?? null;
    return { instance: next, opened, incident, noop: false };
  }

  private async openTaskFor(api: ElementApi, instance: InstanceRecord, variables: Record<string, unknown>, at: string, run: StepRun): Promise<TaskRecord> {
    const behaviour = api.owner.behaviour as UserTaskBehaviour;
    let attributes: UserTaskAttributes;
    try {
      attributes = resolveUserTask(behaviour, { ...variables, ...api.environment.variables });
    } catch (err) {
      // As for a condition: the step is not kept, an incident says why (a start is refused).
      if (err instanceof ExpressionError) throw new TaskAttributeFailure(api.id, err.message);
      throw err;
    }
    const decision = await this.router.route({
      candidateGroups: attributes.candidateGroups,
      candidateUsers: attributes.candidateUsers,
      assignee: attributes.assignee,
      laneName: api.owner.lane?.name ?? null,
      properties: attributes.properties,
    });
    return openTask({
      id: api.executionId,
      instanceId: instance.id,
      ticketNumber: instance.ticketNumber,
      processKey: instance.processKey,
      definitionVersion: instance.definitionVersion,
      elementId: api.id,
      name: api.owner.name ?? api.name ?? api.id,
      department: decision.department,
      candidateGroups: attributes.candidateGroups,
      candidateUsers: attributes.candidateUsers,
      assignee: decision.assignee,
      routingReason: decision.reason,
      priority: attributes.priority,
      dueAt: attributes.dueAt,
      formKey: attributes.formKey,
      form: taskFormFields(behaviour.extensionElements?.values ?? [], attributes.formKey, processExtensionValues(run)),
      createdAt: at,
    });
  }
}

/** Every process's extension values in the step's diagram: where embedded task forms live. */
function processExtensionValues(run: StepRun): unknown[][] {
  return run.source.getProcesses().map((process) => {
    const extensions = (process.behaviour as { extensionElements?: { values?: unknown } } | undefined)?.extensionElements;
    return Array.isArray(extensions?.values) ? extensions.values : [];
  });
}

/** Routing from the diagram alone, for runners without a people directory. */
const diagramOnlyRouting: TaskRouting = {
  async route(input) {
    const department = input.candidateGroups[0] ?? input.laneName ?? null;
    return { department, assignee: input.assignee, reason: department ? `department ${department} from the diagram` : 'unrouted' };
  },
};

/** SLA of a task as it opens, from the boundary timers armed with it. */
function withSla(task: TaskRecord, timers: TimerInfo[], escalatedFrom: TaskEscalation | null): TaskRecord {
  const own = timers.filter((timer) => timer.attachedTo === task.elementId);
  const earliest = (list: TimerInfo[]) =>
    list.reduce<Date | null>((min, timer) => (min === null || timer.dueAt < min ? timer.dueAt : min), null)?.toISOString() ?? null;
  return {
    ...task,
    dueAt: earliest(own.filter((timer) => timer.interrupting)) ?? task.dueAt,
    warnAt: earliest(own.filter((timer) => !timer.interrupting)),
    escalatedFrom,
    // The owner chain of an escalated task starts with the escalation, by the timer.
    history: escalatedFrom ? task.history.map((entry, index) => (index === 0 ? { ...entry, action: 'escalated' as const, by: 'timer' } : entry)) : task.history,
  };
}

/** An interrupting boundary timer that took a task away in this step: what the next task escalates from. */
function escalationOf(fired: TimerInfo[], closed: TaskRecord[], at: string): TaskEscalation | null {
  for (const timer of fired) {
    if (!timer.interrupting || timer.attachedTo === null) continue;
    const from = closed.find((task) => task.elementId === timer.attachedTo && task.status === 'cancelled');
    if (from) return { taskId: from.id, elementId: from.elementId, timerElementId: timer.elementId, at };
  }
  return null;
}

/** An open incident; a repeat of the same failure updates the existing one instead of adding another. */
function openIncident(
  instanceId: string,
  existing: IncidentRecord | undefined,
  failure: Pick<IncidentRecord, 'elementId' | 'message' | 'kind' | 'executionId' | 'retry'>,
  at: string,
): IncidentRecord {
  return {
    id: existing?.id ?? randomUUID(),
    instanceId,
    ...failure,
    status: 'open',
    createdAt: existing?.createdAt ?? at,
    resolvedAt: null,
  };
}

function noop(instance: InstanceRecord): StepResult {
  return { instance, opened: [], incident: null, noop: true };
}

function stepFailure(run: StepRun): { elementId: string | null; message: string } | null {
  const expression = run.expressionFailures[0];
  if (expression) return expression;
  if (run.error) return { elementId: null, message: run.error.message };
  return null;
}

function engineVersionOf(snapshot: StepSnapshot): string {
  return typeof snapshot.state?.engineVersion === 'string' ? snapshot.state.engineVersion : '';
}

function findMessageWait(run: StepRun, messageName: string): ElementApi | undefined {
  return run.waitingAll().find((api) => api.content.message?.name === messageName);
}

function incidentRetry(action: StepAction): IncidentRetry {
  switch (action.kind) {
    case 'timer':
    case 'reschedule-timer':
    case 'retry':
      return { kind: 'resume' };
    case 'complete-task':
      return { kind: 'complete-task', taskId: action.taskId, output: action.output, actor: action.actor };
    case 'message':
      return { kind: 'message', executionId: action.executionId, messageName: action.messageName, variables: action.variables, actor: action.actor };
    case 'cancel':
      return { kind: 'cancel', reason: action.reason, actor: action.actor };
  }
}

/** The action a failed step is replayed with; null when resuming the saved state is the retry. */
function retryAction(retry: IncidentRetry, actor: string): StepAction | null {
  switch (retry.kind) {
    case 'complete-task':
      return { kind: 'complete-task', taskId: retry.taskId, output: retry.output, actor };
    case 'message':
      return { kind: 'message', executionId: retry.executionId, messageName: retry.messageName, variables: retry.variables, actor };
    case 'cancel':
      return { kind: 'cancel', reason: retry.reason, actor };
    case 'resume':
      return null;
  }
}

function sameRetry(a: IncidentRetry, b: IncidentRetry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'complete-task' && b.kind === 'complete-task') return a.taskId === b.taskId;
  if (a.kind === 'message' && b.kind === 'message') return a.executionId === b.executionId;
  return true;
}

/** A failed completion is resolved when the same task is completed successfully (e.g. with fixed data). */
function resolvesByAction(incident: IncidentRecord, action: StepAction | undefined): boolean {
  if (!action) return false;
  return sameRetry(incident.retry, incidentRetry(action)) && incident.retry.kind !== 'resume';
}

function duplicateBusinessKey(processKey: string, businessKey: string, existing: InstanceRecord): ConflictError {
  return new ConflictError(
    `An instance of '${processKey}' with business key '${businessKey}' exists already (ticket ${existing.ticketNumber}, id ${existing.id})`,
  );
}
