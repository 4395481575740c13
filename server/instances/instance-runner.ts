import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import { chainEvents, GENESIS_HASH } from '../audit/audit-chain.js';
import { NO_CALENDARS, type CalendarDirectory, type CalendarSnapshot } from '../calendars/calendar-directory.js';
import { businessTimers, customerWait, laterByClock, processCalendarOf, routeTimerClocks, taskDueDuration } from '../calendars/runner-calendars.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { diffVariables } from '../audit/variable-diff.js';
import type { Clock } from '../clock.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { SourceCache } from '../engine/bpmn-source.js';
import { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import type { ElementApi, EngineState } from '../engine/engine-types.js';
import { StepRun, type StepSnapshot, type TimerInfo } from '../engine/step-run.js';
import { iterationVariables, resolveTaskName, resolveUserTask, type UserTaskAttributes, type UserTaskBehaviour } from '../engine/user-task-attributes.js';
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
import { commitTaskAmendment, commitTaskAmendments } from './task-amendment.js';
import type { ExternalTaskRecord } from '../external-tasks/external-task.js';
import { externalTaskChanges } from '../external-tasks/external-step.js';

/** A user task's assignee, due date or routing expression failed while the step opened it: an incident, not a task without them. */
class TaskAttributeFailure extends Error {
  constructor(
    readonly elementId: string,
    message: string,
  ) {
    super(message);
  }
}
import { previewOf, type Intervention, type InterventionPreview } from './intervention.js';

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
  | { kind: 'retry'; incidentId: string; actor: string; reason?: string }
  /** External task workers (external-tasks/): complete, BPMN error, failure (retries left, else an incident). */
  | { kind: 'external-complete'; executionId: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'external-error'; executionId: string; errorCode: string; errorMessage: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'external-failure'; executionId: string; errorMessage: string; retries: number; retryTimeoutMs: number; actor: string }
  /** A call activity's child instance was started (calls/call.service.ts): recorded with the parent, for replay. */
  | { kind: 'external-linked'; executionId: string; childInstanceId: string; childTicket: string; childProcessKey: string; actor: string }
  /** Adds an event to the instance's log without moving it (a child instance notes the call that started it). */
  | { kind: 'annotate'; event: AuditEventInput; actor: string }
  /** A person ends a user task with a BPMN error, caught by the task's boundary events. */
  | { kind: 'task-error'; taskId: string; errorCode: string; reason: string; actor: string }
  /** A person raises an escalation caught by the escalation boundary event `boundaryId` on the task. */
  | { kind: 'task-escalation'; taskId: string; boundaryId: string; escalationId: string | null; escalationCode: string | null; reason: string; actor: string }
  /**
   * A person passes a task up the way the diagram escalates it: its interrupting boundary timer
   * fires now, so the ticket moves to the next level's step (with that step's own SLA) and the
   * old level's timer can never take it from its new owner. A noop when the task has no such timer.
   */
  /** `toDepartment`: the level the person passes it to; a timer leading elsewhere is not this pass-up. */
  | { kind: 'pass-up'; taskId: string; actor: string; reason: string; taskVersion?: number; toDepartment?: string };

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
  /** Business calendars for timers and due dates (issue 16); without them everything counts wall time. */
  calendars?: CalendarDirectory;
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
    const { store } = this.deps;
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
    const calendars = await this.calendarSnapshot();
    const processCalendar = processCalendarOf(source);
    const run = new StepRun({ instanceId: id, ticketNumber, source, timerClocks: businessTimers(calendars, processCalendar) }, this.deps, new Map(), dueNow);
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
      const context = { openTasks: [], openIncidents: [], ticketAccess, ticket: { prefix: ticket.prefix, seq: ticket.seq }, calendars, processCalendar, pendingTimers: [] };
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

  /** Runs `work` as the instance's one writer (operator changes that write the saved state themselves, server/operations/). */
  exclusive<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    this.assertAccepting();
    return this.queue.run(instanceId, work);
  }

  /**
   * An operator's intervention (move, restart, migrate; server/operations/): recovers the
   * instance (or starts its diagram again at `restartAt` for a finished one, or recovers it into
   * another version), lets `drive` change the engine, and saves the step like any other, with
   * the intervention's audit events first. With `dryRun` nothing is saved and no connector is
   * called: the preview says what the step would do.
   */
  intervene(instanceId: string, intervention: Intervention): Promise<{ result: StepResult | null; preview: InterventionPreview }> {
    this.assertAccepting();
    return this.queue.run(instanceId, () => this.interventionStep(instanceId, intervention));
  }

  private async interventionStep(instanceId: string, intervention: Intervention): Promise<{ result: StepResult | null; preview: InterventionPreview }> {
    const { store } = this.deps;
    const instance = await store.instances.get(instanceId);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    if (intervention.expectedVersion !== undefined && intervention.expectedVersion !== instance.version) {
      throw new VersionConflictError(`Ticket ${instance.ticketNumber} changed meanwhile (version ${intervention.expectedVersion} was seen, it is at ${instance.version}); reload it`);
    }
    const restarting = intervention.restartAt !== undefined;
    if (restarting && instance.status === 'running') throw new ConflictError(`Ticket ${instance.ticketNumber} is still running: move its token instead of restarting it`);
    if (!restarting && instance.status !== 'running') throw new ConflictError(`Ticket ${instance.ticketNumber} is ${instance.status}; nothing more can happen to it`);
    const [openTasks, incidents, pendingTimers] = await Promise.all([
      store.tasks.list({ instanceId, status: 'open' }),
      store.instances.incidents(instanceId),
      store.timers.forInstance(instanceId),
    ]);
    const openIncidents = incidents.filter((incident) => incident.status === 'open');
    const definition = intervention.definition ?? (await store.definitions.getById(instance.definitionId));
    if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
    const source = await this.deps.sources.get(definition);
    // A dry run calls no connector: each service the step would reach is noted, not run.
    const deps = intervention.dryRun ? { ...this.deps, connectors: new ConnectorRegistry() } : this.deps;
    const saved = new Map(pendingTimers.map((timer) => [timer.executionId, new Date(timer.dueAt)]));
    const calendars = await this.calendarSnapshot();
    const processCalendar = processCalendarOf(source);
    const run = new StepRun({ instanceId, ticketNumber: instance.ticketNumber, source, timerClocks: businessTimers(calendars, processCalendar) }, deps, saved);
    run.actor = intervention.actor;
    if (intervention.restartAt !== undefined) await run.startAt(instance.variables, intervention.restartAt);
    else await run.resume(instance.state as EngineState);
    try {
      await intervention.drive(run);
    } catch (err) {
      await run.suspend();
      throw err;
    }
    const failure = stepFailure(run);
    if (failure) {
      await run.suspend();
      throw new ConflictError(`The intervention cannot run: ${failure.message}`, [failure]);
    }
    const snapshot = await run.snapshot();
    await run.suspend();
    const preview = previewOf(run, snapshot, openTasks, pendingTimers);
    if (intervention.dryRun) return { result: null, preview };
    const base: InstanceRecord = { ...instance, definitionId: definition.id, definitionVersion: definition.version };
    const result = await this.commit(base, instance.version, run, snapshot, intervention.audit, { openTasks, openIncidents, calendars, processCalendar, pendingTimers });
    return { result, preview };
  }

  /**
   * The same change to several instances without the engine, written together (see
   * commitTaskAmendments); every instance's queue is held until the batch has saved. Answers how
   * many instances changed.
   */
  amendMany(instanceIds: readonly string[], build: Parameters<typeof commitTaskAmendment>[2]): Promise<number> {
    this.assertAccepting();
    const deps = { ...this.deps, events: this.events };
    const hold = (index: number): Promise<number> => {
      const id = instanceIds[index];
      return id === undefined ? commitTaskAmendments(deps, instanceIds, build) : this.queue.run(id, () => hold(index + 1));
    };
    return hold(0);
  }

  /** Stops taking new steps and waits until every step in progress has saved. */
  async drain(): Promise<void> {
    this.accepting = false;
    await this.queue.idle();
  }

  private async calendarSnapshot(): Promise<CalendarSnapshot> {
    return (await this.deps.calendars?.snapshot()) ?? NO_CALENDARS;
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
    const [openTasks, incidents, pendingTimers, externalTasks] = await Promise.all([
      store.tasks.list({ instanceId, status: 'open' }),
      store.instances.incidents(instanceId),
      store.timers.forInstance(instanceId),
      store.externalTasks.forInstance(instanceId),
    ]);
    const openIncidents = incidents.filter((incident) => incident.status === 'open');

    let effective: StepAction = action;
    let retried: IncidentRecord | null = null;
    if (action.kind === 'retry') {
      retried = openIncidents.find((incident) => incident.id === action.incidentId) ?? null;
      if (!retried) throw new ConflictError(`Incident ${action.incidentId} is not open on ticket ${instance.ticketNumber}`);
      effective = retryAction(retried.retry, action.actor) ?? action;
    }
    if (effective.kind === 'complete-task' || effective.kind === 'pass-up') {
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
        extra.push({ type: 'timer.forced', actor: action.actor ?? 'api', elementId: timer.elementId, data: { timerId: timer.id, dueAt: timer.dueAt, reason: action.reason ?? null, intervention: true } });
      }
      if (action.kind === 'reschedule-timer') {
        saved.set(timer.executionId, action.dueAt);
        extra.push({
          type: 'timer.rescheduled',
          actor: action.actor,
          elementId: timer.elementId,
          data: { timerId: timer.id, from: timer.dueAt, to: action.dueAt.toISOString(), reason: action.reason, intervention: true },
        });
      }
    }

    const calendars = await this.calendarSnapshot();
    // A timer due by its saved time whose calendar changed since (a recompute cut short by a restart)
    // is moved to the time its clock now gives instead of firing early: the engine fires every due timer on resume.
    const now = this.deps.clock.now();
    for (const timer of pendingTimers) {
      if (Date.parse(timer.dueAt) > now.getTime() || (action.kind === 'timer' && action.force && action.timerId === timer.id)) continue;
      const moved = laterByClock(timer, calendars, now);
      if (!moved) continue;
      saved.set(timer.executionId, moved);
      extra.push({ type: 'timer.moved', actor: 'system', elementId: timer.elementId, data: { timerId: timer.id, from: timer.dueAt, to: moved.toISOString(), reason: 'calendar changed' } });
    }
    const definition = await store.definitions.getById(instance.definitionId);
    if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
    const source = await this.deps.sources.get(definition);
    if (action.kind === 'pass-up') {
      const task = openTasks.find((candidate) => candidate.id === action.taskId);
      if (!task) throw new NotFoundError(`Task ${action.taskId} is not open on instance ${instance.id}`);
      const timer = pendingTimers.find((candidate) => escalates(source, candidate.elementId, task.elementId) && leadsTo(source, candidate.elementId, action.toDepartment));
      if (!timer) return noop(instance);
      saved.set(timer.executionId, this.deps.clock.now());
      extra.push({
        type: 'task.passed-up',
        actor: action.actor,
        elementId: task.elementId,
        data: { taskId: task.id, version: task.version, from: { department: task.department, assignee: task.assignee }, to: { department: null }, reason: action.reason, timerElementId: timer.elementId },
      });
    }
    const processCalendar = processCalendarOf(source);
    const run = new StepRun({ instanceId, ticketNumber: instance.ticketNumber, source, timerClocks: businessTimers(calendars, processCalendar) }, this.deps, saved);
    if (retried && action.kind === 'retry') extra.push({ type: 'incident.retried', actor: action.actor, data: { incidentId: retried.id, reason: action.reason ?? null, intervention: true } });

    run.actor = 'actor' in effective && effective.actor ? effective.actor : 'timer';
    await run.resume(instance.state as EngineState);
    await this.applyAction(run, effective, openTasks, extra);

    if (action.kind === 'timer' && !action.force && run.audit.length === 0 && extra.length === 0) {
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
      return await this.commit(instance, instance.version, run, snapshot, extra, { openTasks, openIncidents, action: effective, retried, uploads, externalTasks, calendars, processCalendar, pendingTimers });
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
        extra.push({ type: 'instance.cancelled', actor: action.actor, data: { reason: action.reason, intervention: true } });
        await run.cancel();
        return;
      case 'external-complete':
        await run.completeExternal(action.executionId, action.variables, action.actor);
        return;
      case 'external-error':
        await run.throwExternalError(action.executionId, action.errorCode, action.errorMessage, action.variables, action.actor);
        return;
      case 'annotate':
        extra.push(action.event);
        return;
      case 'external-linked': {
        const wait = run.externalWaits.get(action.executionId);
        if (!wait) throw new ConflictError('The call is no longer waiting in the process');
        extra.push({
          type: 'call.started',
          actor: action.actor,
          elementId: wait.elementId,
          data: { executionId: action.executionId, childInstanceId: action.childInstanceId, childTicket: action.childTicket, processKey: action.childProcessKey },
        });
        return;
      }
      case 'external-failure':
        // Nothing moves in the engine: the task keeps waiting; the commit records the failure.
        if (!run.externalWaits.has(action.executionId)) throw new ConflictError('The external task is no longer waiting in the process');
        return;
      case 'task-error': {
        const task = openTasks.find((candidate) => candidate.id === action.taskId);
        if (!run.waiting(action.taskId)) throw new ConflictError('The task is no longer waiting in the process');
        extra.push({ type: 'task.bpmn-error', actor: action.actor, elementId: task?.elementId ?? null, data: { taskId: action.taskId, errorCode: action.errorCode, reason: action.reason } });
        await run.throwTaskError(action.taskId, action.errorCode, action.reason);
        return;
      }
      case 'task-escalation': {
        const task = openTasks.find((candidate) => candidate.id === action.taskId);
        extra.push({
          type: 'task.escalation',
          actor: action.actor,
          elementId: task?.elementId ?? null,
          data: { taskId: action.taskId, escalationCode: action.escalationCode, boundaryId: action.boundaryId, reason: action.reason },
        });
        await run.escalateTask(action.taskId, action.boundaryId, action.escalationId);
        return;
      }
      case 'timer':
      case 'reschedule-timer':
      case 'retry':
      case 'pass-up':
        // A due timer (or the escalation timer a pass-up fired) fires during resume (a rescheduled one is re-armed with its new due time);
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
      externalTasks?: ExternalTaskRecord[];
      calendars: CalendarSnapshot;
      processCalendar: string | null;
      pendingTimers: TimerRecord[];
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
      const routed = await this.openTaskFor(api, instance, snapshot.variables, at, run);
      // Now that the task has its department: its `baton:calendar="department"` timers and a camunda:dueDate duration count in that department's calendar.
      routeTimerClocks(snapshot.timers, routed, run.audit, context.calendars, context.processCalendar);
      const dueDuration = taskDueDuration(api, snapshot.variables);
      const counted = dueDuration ? { ...routed, dueAt: dueDuration(context.calendars, context.processCalendar, routed.department, now) } : routed;
      let task = withSla(counted, snapshot.timers, escalation);
      if (action?.kind === 'pass-up' && task.escalatedFrom) task = passedUpBy(task, action.actor, action.reason);
      tasks.push(task);
      opened.push(task);
      if (task.escalatedFrom && action?.kind !== 'pass-up') {
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
    const external = externalTaskChanges({
      instance,
      waits: [...run.externalWaits.values()],
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
        (incident.executionId !== null && (run.servicesCompleted.has(incident.executionId) || external.reopened.has(incident.executionId))) ||
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
    if (changed) audit.push({ type: 'variables.changed', actor: run.actor, data: { ...changed } });
    if (snapshot.ended === 'completed') audit.push({ type: 'instance.completed', actor: 'system', data: {} });

    const pendingClocks = new Map(context.pendingTimers.map((timer) => [timer.id, timer.clock]));
    let timers: TimerRecord[] = snapshot.timers.map((timer) => {
      const id = `${instance.id}:${timer.executionId}`;
      // A re-armed timer keeps its saved clock; one an operator moved by hand has none any more.
      const clock = action?.kind === 'reschedule-timer' && action.timerId === id ? undefined : (timer.clock ?? pendingClocks.get(id));
      return { id, instanceId: instance.id, executionId: timer.executionId, elementId: timer.elementId, timerType: timer.timerType, dueAt: timer.dueAt.toISOString(), ...(clock && { clock }) };
    });
    // A task for the customer stops the ticket's SLA clocks; the customer's answer starts them again (issue 16).
    if (snapshot.ended === null) {
      const wait = await customerWait({
        audit: this.deps.store.audit,
        instance,
        before: context.openTasks,
        changed: tasks,
        timers,
        calendars: context.calendars,
        now,
      });
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
      externalTasks: external.rows,
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
      attributes = resolveUserTask(behaviour, { ...variables, ...api.environment.variables, ...iterationVariables(api) });
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
      name: resolveTaskName(api.owner.name ?? api.name ?? api.id, { ...variables, ...api.environment.variables, ...iterationVariables(api) }),
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

/** Whether `timerElementId` is an interrupting boundary timer on `taskElementId`: the step its SLA escalates by. */
function escalates(source: Awaited<ReturnType<SourceCache['get']>>, timerElementId: string, taskElementId: string): boolean {
  const behaviour = source.getActivityById(timerElementId)?.behaviour as { attachedTo?: { id?: string }; cancelActivity?: boolean } | undefined;
  return behaviour?.attachedTo?.id === taskElementId && behaviour.cancelActivity !== false;
}

/**
 * Whether the escalation path from a boundary timer reaches a user task of `department` (the
 * level a person passes up to): the first user tasks after the timer, through gateways and events,
 * by their static candidate group. A path whose groups are not written out (an expression, a lane)
 * counts as leading there; so does any path when no department is named.
 */
function leadsTo(source: Awaited<ReturnType<SourceCache['get']>>, timerElementId: string, department: string | undefined): boolean {
  if (!department) return true;
  const seen = new Set<string>();
  const groups: string[] = [];
  let frontier = [timerElementId];
  for (let depth = 0; depth < 10 && frontier.length; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const flow of source.getOutboundSequenceFlows(id) as unknown as { targetId: string }[]) {
        if (seen.has(flow.targetId)) continue;
        seen.add(flow.targetId);
        const target = source.getActivityById(flow.targetId) as { type?: string; behaviour?: { candidateGroups?: string } } | undefined;
        if (target?.type === 'bpmn:UserTask') {
          const group = target.behaviour?.candidateGroups?.split(',')[0]?.trim() ?? '';
          if (!group || /[$#=]/.test(group)) return true;
          groups.push(group);
        } else {
          next.push(flow.targetId);
        }
      }
    }
    frontier = next;
  }
  return groups.length === 0 || groups.includes(department);
}

/** The next level's task opened by a person's pass-up: its owner chain starts with them and their reason, not the timer. */
function passedUpBy(task: TaskRecord, actor: string, reason: string): TaskRecord {
  return { ...task, history: task.history.map((entry, index) => (index === 0 ? { ...entry, action: 'passed-up' as const, by: actor, reason } : entry)) };
}

function incidentRetry(action: StepAction): IncidentRetry {
  switch (action.kind) {
    case 'timer':
    case 'reschedule-timer':
    case 'retry':
    // A worker's or person's answer that made the step fail (a condition after it) is not kept:
    // the retry resumes, and the task waits for its answer again.
    case 'external-complete':
    case 'external-error':
    case 'external-failure':
    case 'external-linked':
    case 'annotate':
    case 'task-error':
    case 'task-escalation':
    case 'pass-up':
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
