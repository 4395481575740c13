import { EventEmitter } from 'node:events';

import { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';
import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { StockMove } from '../field/field.js';
import type { MailAttachment } from '../outbox/mail-transport.js';
import type { ConnectorRegistry } from './connectors/connector-registry.js';
import { BatonError, ConflictError, EngineFailureError } from '../errors.js';
import { moddleOptions } from './bpmn-source.js';
import { createExpressionHandlers, expressionContext, type ConditionEvaluation, type ExpressionFailure } from './engine-expressions.js';
import type { ElementApi, EngineDefinition, EngineProcess, EngineState } from './engine-types.js';
import { evaluateExpression } from './expressions/expression.js';
import { serviceBinding, type ServiceBehaviour, type ServiceBinding } from './service-binding.js';
import { StepTimers, type ArmedTimer, type TimerClocks } from './step-timers.js';

/** Names bpmn-engine spreads into process variables at start; never business data. */
const ENGINE_VARIABLES = new Set(['fields', 'content', 'properties']);
const SERVICE_TYPES = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);
/** Gateways that choose between flows: their decision is audited with the values it used. */
const DECIDING_GATEWAYS = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway']);

interface OutboundFlow {
  id: string;
  action: 'take' | 'discard';
  isDefault?: boolean;
}

/** Something that happened in the step, for the audit log (the instance layer chains it). */
export interface StepEvent {
  type: string;
  actor: string;
  elementId: string | null;
  data: Record<string, unknown>;
}

export interface StepRunDeps {
  clock: Clock;
  connectors: ConnectorRegistry;
  logger: Logger;
}

export interface StepSubject {
  instanceId: string;
  ticketNumber: string;
  source: SerializableContext;
  /** Business time for the step's new duration timers (calendars); wall time without. */
  timerClocks?: TimerClocks;
}

export interface QueuedEmail {
  idempotencyKey: string;
  to: string;
  subject: string;
  body: string;
  attachments?: MailAttachment[];
}

/** A timer with what it is attached to, for SLAs and escalations. */
export interface TimerInfo extends ArmedTimer {
  /** The activity a boundary timer sits on; null for catch events and start events. */
  attachedTo: string | null;
  /** False for a non-interrupting boundary timer (a warning); true otherwise. */
  interrupting: boolean;
}

export interface StepSnapshot {
  /** Engine state without the diagram; null once the process ended. */
  state: EngineState | null;
  variables: Record<string, unknown>;
  ended: 'completed' | 'cancelled' | null;
  /** Activities waiting for a signal: user/manual/receive tasks and message catches. */
  waiting: ElementApi[];
  timers: TimerInfo[];
}

/** A service task waiting for an external worker (its topic has no built-in connector). */
export interface ExternalWait {
  /** `call`: a call activity of a process deployed on its own (calls/call.service.ts is its worker). */
  kind: 'worker' | 'call';
  executionId: string;
  elementId: string;
  topic: string;
  input: Record<string, unknown>;
  headers: Record<string, string>;
  /** zeebe:output mappings of the task (service-binding.ts); empty: the worker's variables as they are. */
  outputs: ServiceBinding['outputs'];
  /** Completes the task with the worker's variables. */
  complete(variables: Record<string, unknown>): void;
  /** Fails the task with a BPMN error (caught by its boundary events). */
  throwError(code: string, message: string): void;
}

interface ServiceActivity {
  id: string;
  parent?: { type?: string };
  type: string;
  behaviour: ServiceBehaviour & { Service?: unknown };
  environment: { variables: Record<string, unknown> };
}

type EngineCallback = (err: Error | null, output?: unknown) => void;

/**
 * One step of one instance on a fresh bpmn-engine Engine: start or recover, apply one signal, run
 * until the engine settles at its next wait, take a snapshot, stop. Collects everything the step
 * must save with the state: audit events, fired timers, connector results and failures, emails.
 */
export class StepRun {
  /** Who the audit events of what happens next are attributed to. */
  actor = 'system';
  readonly audit: StepEvent[] = [];
  readonly expressionFailures: ExpressionFailure[] = [];
  readonly serviceFailures = new Map<string, { elementId: string; message: string }>();
  readonly servicesCompleted = new Set<string>();
  readonly emails: QueuedEmail[] = [];
  readonly stockMoves: StockMove[] = [];
  readonly timers: StepTimers;
  /** Service tasks that asked for an external worker during this step and still wait (executionId →). */
  readonly externalWaits = new Map<string, ExternalWait>();

  private readonly engine: Engine;
  private readonly listener = new EventEmitter();
  private readonly waits = new Map<string, ElementApi>();
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  private endedAs: 'completed' | 'cancelled' | null = null;
  private cancelling = false;
  private engineError: Error | null = null;
  /** Conditions evaluated and not yet attached to a gateway decision, by the element they leave. */
  private readonly conditions = new Map<string, ConditionEvaluation[]>();
  /** gateway.decided events recorded at the gateway's end, completed when it leaves (executionId → data). */
  private readonly decisions = new Map<string, Record<string, unknown>>();
  /** Activity runs this step recorded as left or cancelled: a later `leave` of one adds nothing. */
  private readonly closed = new Set<string>();
  /** Set by startAt: the only activity of the main process that starts when the process runs. */
  private restartAt: string | null = null;
  /** Activity runs that started in this step (a discard of one of them is a real cancellation). */
  private readonly started = new Set<string>();

  /** The parsed diagram this step runs (its processes' extension elements hold the task forms). */
  get source(): SerializableContext {
    return this.subject.source;
  }

  constructor(
    private readonly subject: StepSubject,
    private readonly deps: StepRunDeps,
    /** Timers pending before this step (executionId → due): re-armed on resume, not "scheduled" again. */
    private readonly knownTimers: ReadonlyMap<string, Date> = new Map(),
    /** Elements whose timers are due as soon as they are armed (a scheduled start's timer start event). */
    dueNow: ReadonlySet<string> = new Set(),
  ) {
    this.timers = new StepTimers(
      deps.clock,
      new Map(knownTimers),
      (work) => this.defer(work),
      (timer) =>
        this.record(
          'timer.scheduled',
          { id: timer.elementId },
          {
            executionId: timer.executionId,
            timerType: timer.timerType,
            dueAt: timer.dueAt.toISOString(),
          },
        ),
      dueNow,
      subject.timerClocks ?? null,
    );
    const { expressions, scripts } = createExpressionHandlers(
      (failure) => this.expressionFailures.push(failure),
      (evaluation) => this.noteCondition(evaluation),
    );
    const options: Record<string, unknown> = {
      name: subject.instanceId,
      sourceContext: subject.source,
      moddleOptions,
      Logger: engineLogger(deps.logger),
      expressions,
      scripts,
      timers: this.timers,
      extensions: {
        baton: (activity: ServiceActivity) => {
          this.markStart(activity);
          return this.bindService(activity);
        },
      },
      settings: { enableDummyService: false },
    };
    // bpmn-engine's typings describe its own timer/script/extension classes; Baton's implement the
    // same runtime contract (measured in ENGINE_NOTES.md) without sharing those nominal types.
    this.engine = new Engine(options as ConstructorParameters<typeof Engine>[0]);
    this.engine.on('error', (err: Error) => {
      this.engineError = err;
    });
    this.engine.on('end', () => {
      this.endedAs = this.cancelling ? 'cancelled' : 'completed';
      this.timers.clear();
      this.waits.clear();
      this.externalWaits.clear();
    });
    this.listen();
  }

  get error(): Error | null {
    return this.engineError;
  }

  async start(variables: Record<string, unknown>): Promise<void> {
    await this.guard(() => this.engine.execute({ listener: this.listener, variables }));
    await this.settle();
  }

  /**
   * Runs the diagram again from `activityId` instead of its start events (an operator restarting
   * a finished ticket): nothing before that activity runs, no start event, no connector on the way.
   */
  async startAt(variables: Record<string, unknown>, activityId: string): Promise<void> {
    this.restartAt = activityId;
    try {
      await this.engine.execute({ listener: this.listener, variables });
    } finally {
      this.restartAt = null;
    }
    await this.settle();
  }

  /** bpmn-elements asks every activity `isStart` when its process runs; during startAt only the chosen one says yes. */
  private markStart(activity: ServiceActivity): void {
    const chosen = this.restartAt;
    if (chosen === null || activity.parent?.type === 'bpmn:SubProcess') return;
    Object.defineProperty(activity, 'isStart', { get: () => activity.id === chosen, configurable: true });
  }

  /**
   * Takes ownership of `state`: the engine mutates it while it runs. Callers pass the object the
   * store just parsed for this step and never read it again (a structuredClone here cost 10–20 %
   * of a step's CPU).
   */
  async resume(state: EngineState): Promise<void> {
    await this.guard(async () => {
      this.engine.recover(state);
      await this.engine.resume({ listener: this.listener });
    });
    await this.settle();
  }

  /**
   * The next step on this engine, kept resident since its last committed step instead of being
   * recovered from the stored state (server/engine/resident-engines.ts). Forgets what the last step
   * collected, takes the saved timers as `resume` would re-arm them (due ones fire now), and
   * settles. Answers false when the engine cannot continue as a recovered one would: the caller
   * recovers into a new StepRun instead.
   */
  async continueStep(saved: ReadonlyMap<string, Date>, timerClocks: TimerClocks | null, actor: string): Promise<boolean> {
    if (!this.parkable) return false;
    if (!this.timers.continueWith(saved, timerClocks)) return false;
    this.actor = actor;
    this.audit.length = 0;
    this.emails.length = 0;
    this.stockMoves.length = 0;
    this.servicesCompleted.clear();
    this.closed.clear();
    this.started.clear();
    this.conditions.clear();
    this.decisions.clear();
    await this.settle();
    return true;
  }

  /**
   * Whether the engine may wait in memory for its next step: it settled at a wait with nothing
   * failed or half done, so continuing it equals recovering its saved state. A failed connector call
   * or condition is retried by resuming the stored state, so such an engine is never kept.
   */
  get parkable(): boolean {
    return (
      this.endedAs === null &&
      this.engineError === null &&
      this.inflight === 0 &&
      this.expressionFailures.length === 0 &&
      this.serviceFailures.size === 0 &&
      this.restartAt === null &&
      this.timers.parkable
    );
  }

  waiting(executionId: string): ElementApi | undefined {
    return this.waits.get(executionId);
  }

  waitingAll(): ElementApi[] {
    return [...this.waits.values()];
  }

  /** Completes a waiting activity (task, receive task, message catch) with output variables. */
  async signal(executionId: string, output: Record<string, unknown>): Promise<void> {
    const api = this.waits.get(executionId);
    if (!api) throw new ConflictError(`'${executionId}' is not waiting any more`);
    this.setVariables(output, api);
    await this.guard(() => api.signal(output));
    // A multi-instance iteration ends without an activity event of its own: without this the
    // completed iteration would still look waiting, and be closed as cancelled later.
    this.waits.delete(executionId);
    await this.settle();
  }

  /** Completes a service task waiting for an external worker, with the worker's variables. */
  async completeExternal(executionId: string, variables: Record<string, unknown>, actor: string): Promise<void> {
    const wait = this.externalWait(executionId);
    this.setVariables(this.mapOutputs(wait.outputs, variables));
    this.record('external-task.completed', { id: wait.elementId }, { executionId, topic: wait.topic, worker: actor, variables });
    await this.guard(() => wait.complete(variables));
    await this.settle();
  }

  /** A worker's BPMN error on an external task: the boundary events of the task catch it by code. */
  async throwExternalError(executionId: string, code: string, message: string, variables: Record<string, unknown>, actor: string): Promise<void> {
    const wait = this.externalWait(executionId);
    this.setVariables(variables);
    this.record('external-task.bpmn-error', { id: wait.elementId }, { executionId, topic: wait.topic, worker: actor, errorCode: code, message });
    await this.guard(() => wait.throwError(code, message));
    await this.settle();
  }

  /** A person's BPMN error on a waiting user task (its boundary events catch it by code). */
  async throwTaskError(executionId: string, code: string, message: string): Promise<void> {
    const api = this.waits.get(executionId);
    if (!api) throw new ConflictError(`'${executionId}' is not waiting any more`);
    await this.guard(() => api.sendApiMessage('error', { message, code }));
    this.waits.delete(executionId);
    await this.settle();
  }

  /**
   * Camunda 8 output mappings over the process variables and a result; without mappings the
   * result itself. @throws ExpressionError when a mapping cannot be evaluated (the step fails).
   */
  private mapOutputs(outputs: ServiceBinding['outputs'], result: Record<string, unknown>): Record<string, unknown> {
    if (outputs.length === 0) return result;
    const scope = { ...this.variables(), ...result };
    return Object.fromEntries(outputs.map(({ name, value }) => [name, evaluateExpression(value, expressionContext(scope))]));
  }

  /**
   * A person raises an escalation on a waiting task: it is sent to the escalation boundary event
   * `boundaryId` listening on the task (interrupting: the task is taken away; not: it stays).
   */
  async escalateTask(taskExecutionId: string, boundaryId: string, escalationId: string | null): Promise<void> {
    if (!this.waits.has(taskExecutionId)) throw new ConflictError(`'${taskExecutionId}' is not waiting any more`);
    const boundary = [...this.waits.values()].find((api) => api.id === boundaryId);
    if (!boundary) throw new ConflictError(`The escalation event ${boundaryId} is not listening on the task`);
    await this.guard(() => boundary.sendApiMessage('escalate', { message: { id: escalationId ?? undefined } }));
    await this.settle();
  }

  private externalWait(executionId: string): ExternalWait {
    const wait = this.externalWaits.get(executionId);
    if (!wait) throw new ConflictError('The external task is no longer waiting in the process (it was completed, cancelled or interrupted)');
    this.externalWaits.delete(executionId);
    return wait;
  }

  async cancel(): Promise<void> {
    this.cancelling = true;
    await this.guard(() => {
      for (const process of this.definitions().flatMap((d) => d.getRunningProcesses())) process.getApi().discard();
    });
    await this.settle();
  }

  /**
   * Whatever the engine throws on a diagram is the diagram's problem, not a server fault: it
   * becomes an EngineFailureError (422, nothing saved) instead of an unexplained 500.
   */
  private async guard(work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof BatonError) throw err;
      const message = errorMessage(err);
      this.deps.logger.warn({ err, instanceId: this.subject.instanceId }, 'the engine failed on the diagram');
      throw new EngineFailureError(`The engine could not run this step of the diagram: ${message}`, [{ elementId: elementOf(err), message }]);
    }
  }

  /**
   * An operator's move (server/operations/): starts a new run of `to` in the running process, then
   * takes every token at `from` away (a user task, a catch event; its boundary events go with it).
   * `from` leaves through bpmn-elements' discard, which walks the paths downstream of it; the
   * discards that walk queues at a run still going (`to`, or another branch) are dropped, so they
   * cannot end that run's path later.
   */
  async moveToken(from: string, to: string): Promise<void> {
    const process = this.runningProcess();
    if (!process) throw new ConflictError('The process is not running');
    const target = process.getActivityById(to);
    if (!target) throw new ConflictError(`The diagram has no activity '${to}'`);
    const leaving = process.getPostponed().filter((api) => api.id === from);
    target.init();
    target.run();
    await this.settle();
    for (const api of leaving) api.discard();
    await this.settle();
    // The discard walk takes several turns of the engine: drop what it queued until nothing more comes.
    for (let pass = 0; pass < 100 && dropQueuedDiscards(process) > 0; pass++) await this.settle();
  }

  /**
   * Takes away the boundary event run at `elementId` (an operator cancelling an SLA or escalation
   * timer): the activity it sits on goes on without it. Answers false when no such boundary event
   * waits. Discards its walk leaves at runs still going are dropped, as for moveToken.
   */
  async cancelBoundaryEvent(elementId: string): Promise<boolean> {
    const process = this.runningProcess();
    if (!process) return false;
    const runs = process.getPostponed().filter((api) => api.id === elementId && api.type === 'bpmn:BoundaryEvent');
    if (runs.length === 0) return false;
    for (const api of runs) api.discard();
    await this.settle();
    for (let pass = 0; pass < 100 && dropQueuedDiscards(process) > 0; pass++) await this.settle();
    return true;
  }

  /**
   * After recovering a state into another version of the diagram (a migration): the process still
   * counts runs of activities that version does not have (their messages wait in its queue) and
   * would never complete. Drops them; returns their element ids. Place those tokens with moveToken.
   */
  dropTokensOutsideDiagram(): string[] {
    const process = this.runningProcess();
    const execution = process?.execution;
    if (!process || !execution) return [];
    const dropped = new Set<string>();
    for (const message of [...(process.broker.getQueue(`execute-${execution.executionId}-q`)?.messages ?? [])]) {
      const { id, isSequenceFlow } = message.content as { id?: string; isSequenceFlow?: boolean };
      if (!id || isSequenceFlow || process.getActivityById(id)) continue;
      message.ack();
      execution._popPostponed(message.content)?.ack();
      dropped.add(id);
    }
    return [...dropped];
  }

  /** Elements of the main process that hold a token now (activities and events, not flows). */
  activeElementIds(): string[] {
    const process = this.runningProcess();
    if (!process) return [];
    return [
      ...new Set(
        process
          .getPostponed()
          .filter((api) => api.type !== 'bpmn:SequenceFlow')
          .map((api) => api.id),
      ),
    ];
  }

  /** Waits until no timer firing or connector call is in flight and the engine has had its turn. */
  async settle(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inflight === 0) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  async snapshot(): Promise<StepSnapshot> {
    const variables = this.variables();
    if (this.endedAs) return { state: null, variables, ended: this.endedAs, waiting: [], timers: [] };
    const state = (await this.engine.getState()) as unknown as EngineState;
    for (const definition of state.definitions ?? []) delete definition.source;
    return { state, variables, ended: null, waiting: [...this.waits.values()], timers: this.timers.pending().map((t) => this.describe(t)) };
  }

  /** Timers that fired during the step, with what they were attached to. */
  firedTimers(): TimerInfo[] {
    return this.timers.fired.map((timer) => this.describe(timer));
  }

  private describe(timer: ArmedTimer): TimerInfo {
    // bpmn-elements' Activity exposes `attachedTo` and the parsed `cancelActivity` on boundary events.
    const activity = this.engine.execution?.getActivityById(timer.elementId) as { attachedTo?: { id: string }; behaviour?: { cancelActivity?: boolean } } | undefined;
    const attachedTo = activity?.attachedTo?.id ?? null;
    return { ...timer, attachedTo, interrupting: attachedTo === null || activity?.behaviour?.cancelActivity !== false };
  }

  /**
   * Ends the step. The engine is not stopped: the step has settled (no connector call or due timer
   * in flight, and no BPMN timer ever holds a Node timer), so nothing can run on it any more, while
   * `engine.stop()` made bpmn-elements publish stop messages through every element's broker (8–9 %
   * of a step). Either the engine is dropped, or it is parked until `continueStep`.
   */
  suspend(): void {
    this.timers.suspending = true;
  }

  private definitions(): EngineDefinition[] {
    // bpmn-engine types its definitions loosely; EngineDefinition is the slice Baton reads.
    return (this.engine.execution?.definitions ?? []) as unknown as EngineDefinition[];
  }

  private runningProcess(): RunningProcess | undefined {
    // bpmn-elements' Process: the slice a move needs (its typings are partly `any`).
    return this.definitions()[0]?.getRunningProcesses()[0] as unknown as RunningProcess | undefined;
  }

  private mainProcess(): EngineProcess | undefined {
    const definition = this.definitions()[0];
    return definition?.getRunningProcesses()[0] ?? definition?.getProcesses()[0];
  }

  private variables(): Record<string, unknown> {
    const all = this.mainProcess()?.environment.variables ?? {};
    return Object.fromEntries(Object.entries(all).filter(([name]) => !ENGINE_VARIABLES.has(name)));
  }

  /** Process variables live in the process environment; a sub-process works on its own copy. */
  private setVariables(values: Record<string, unknown>, api?: ElementApi): void {
    const targets = new Set<Record<string, unknown>>();
    const process = this.mainProcess();
    if (process) targets.add(process.environment.variables);
    if (api) targets.add(api.environment.variables);
    for (const target of targets) Object.assign(target, values);
  }

  private defer(work: () => void): void {
    this.inflight++;
    setImmediate(() => {
      try {
        work();
      } finally {
        this.done();
      }
    });
  }

  private done(): void {
    this.inflight--;
    if (this.inflight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private record(type: string, api: Pick<ElementApi, 'id'> | null, data: Record<string, unknown> = {}): void {
    this.audit.push({ type, actor: this.actor, elementId: api?.id ?? null, data });
  }

  private listen(): void {
    const on = (event: string, handler: (api: ElementApi) => void) => this.listener.on(event, handler);
    on('activity.start', (api) => {
      this.started.add(api.executionId);
      this.record('activity.entered', api, { type: api.type, executionId: api.executionId });
    });
    on('activity.end', (api) => {
      this.forget(api.executionId);
      this.closed.add(api.executionId);
      this.record('activity.left', api, { type: api.type, executionId: api.executionId });
      if (DECIDING_GATEWAYS.has(api.type)) this.recordDecision(api);
    });
    on('activity.leave', (api) => {
      this.forget(api.executionId);
      this.completeDecision(api);
      // An activity interrupted by a boundary event (an escalation) neither ends nor is discarded:
      // it only leaves. Without this, replay would show its token forever.
      if (!this.closed.has(api.executionId)) {
        this.closed.add(api.executionId);
        this.record('activity.cancelled', api, { type: api.type, executionId: api.executionId, interrupted: true });
      }
    });
    on('activity.discard', (api) => {
      this.forget(api.executionId);
      this.closed.add(api.executionId);
      // bpmn-elements publishes `discard` for runs that never executed: a discarded flow walks
      // the whole path downstream (on every step that takes another branch), touching elements
      // the ticket never reached. A run that was executing is taken away through `leave` (above)
      // instead. Only a run that started in this step and is discarded before it executed is a
      // cancellation worth a line in the trail.
      if (this.started.has(api.executionId)) {
        this.record('activity.cancelled', api, { type: api.type, executionId: api.executionId });
      }
    });
    on('flow.take', (api) => this.record('flow.taken', api, { sourceId: api.content.sourceId ?? null, targetId: api.content.targetId ?? null }));
    on('activity.timeout', (api) => {
      if (api.content.state !== 'timeout') return;
      const fired = this.timers.fired.findLast((timer) => timer.executionId === api.executionId);
      this.record('timer.fired', api, {
        executionId: api.executionId,
        scheduledAt: fired ? fired.dueAt.toISOString() : null,
        firedAt: this.deps.clock.now().toISOString(),
      });
    });
    on('wait', (api) => this.waits.set(api.executionId, api));
    // A call activity naming no process of this diagram calls another deployment: it waits, like
    // an external task, for its child instance (bpmn-elements starts only processes it has).
    on('activity.call', (api) => {
      const called = typeof api.content['calledElement'] === 'string' ? api.content['calledElement'] : '';
      if (called === '' || this.source.getProcessById(called)) return;
      let mappings: ReturnType<typeof callMappings>;
      try {
        mappings = callMappings(api.owner.behaviour, this.variables());
      } catch (err) {
        this.expressionFailures.push({ elementId: api.id, message: `${api.id}: the call's input could not be evaluated: ${errorMessage(err)}` });
        return;
      }
      this.externalWaits.set(api.executionId, {
        kind: 'call',
        executionId: api.executionId,
        elementId: api.id,
        topic: called,
        ...mappings,
        outputs: [],
        complete: (output) => api.signal(output),
        throwError: (code, message) => api.sendApiMessage('error', { message, code }),
      });
    });
  }

  private noteCondition(evaluation: ConditionEvaluation): void {
    const key = evaluation.sourceId ?? '';
    const list = this.conditions.get(key) ?? [];
    list.push(evaluation);
    this.conditions.set(key, list);
  }

  /**
   * A gateway ended: its conditions have been evaluated, but bpmn-elements takes the chosen flows
   * only afterwards. The event is recorded here, in log order before the flows it chose, and its
   * `taken`/`discarded` lists are filled in when the gateway leaves (later in the same step,
   * before anything is chained).
   */
  private recordDecision(api: ElementApi): void {
    const conditions = (this.conditions.get(api.id) ?? []).map(({ flowId, expression, result, values }) => ({ flowId, expression, result, values }));
    this.conditions.delete(api.id);
    // A gateway that only merges paths (no condition evaluated) decided nothing.
    if (conditions.length === 0) return;
    const data: Record<string, unknown> = { executionId: api.executionId, type: api.type, conditions, taken: [], discarded: [], defaultFlow: null };
    this.decisions.set(api.executionId, data);
    this.record('gateway.decided', api, data);
  }

  private completeDecision(api: ElementApi): void {
    const data = this.decisions.get(api.executionId);
    if (!data) return;
    this.decisions.delete(api.executionId);
    const outbound = (api.content as { outbound?: OutboundFlow[] }).outbound ?? [];
    data['taken'] = outbound.filter((flow) => flow.action === 'take').map((flow) => flow.id);
    data['discarded'] = outbound.filter((flow) => flow.action === 'discard').map((flow) => flow.id);
    data['defaultFlow'] = outbound.find((flow) => flow.isDefault)?.id ?? null;
  }

  /** An activity left: its waits (its own, or its event definitions' `<id>_n`) are over. */
  private forget(executionId: string): void {
    for (const id of this.waits.keys()) {
      if (id === executionId || id.startsWith(`${executionId}_`)) this.waits.delete(id);
    }
    for (const id of this.externalWaits.keys()) {
      if (id === executionId || id.startsWith(`${executionId}_`)) this.externalWaits.delete(id);
    }
  }

  private bindService(activity: ServiceActivity): undefined {
    if (!SERVICE_TYPES.has(activity.type)) return undefined;
    const binding = serviceBinding(activity.behaviour);
    const execute = (message: ExecuteMessage, callback: EngineCallback): void => this.callConnector(activity, binding, message, callback);
    // bpmn-elements instantiates `behaviour.Service` with `new` for every run of the task.
    activity.behaviour.Service = function BatonService() {
      return { execute };
    };
    return undefined;
  }

  private callConnector(activity: ServiceActivity, binding: ServiceBinding, message: ExecuteMessage, callback: EngineCallback): void {
    const executionId = message.content.executionId;
    const fail = (reason: string): void => {
      this.serviceFailures.set(executionId, { elementId: activity.id, message: reason });
    };
    const connector = binding.connector ? this.deps.connectors.get(binding.connector) : undefined;
    if (!connector && !(binding.external && binding.connector)) return fail(`${activity.id}: no connector named '${binding.connector ?? ''}'`);

    const variables = activity.environment.variables;
    const input: Record<string, unknown> = {};
    try {
      for (const { name, value } of binding.inputs) input[name] = evaluateExpression(value, expressionContext(variables));
    } catch (err) {
      return fail(`${activity.id}: input could not be evaluated: ${errorMessage(err)}`);
    }
    if (!connector) {
      // Nobody calls back in this step: the task stays running in the saved state, and the engine
      // asks again on every resume, which is when a worker's answer is applied.
      this.externalWaits.set(executionId, {
        kind: 'worker',
        executionId,
        elementId: activity.id,
        topic: binding.connector ?? '',
        input,
        headers: binding.headers,
        outputs: binding.outputs,
        complete: (output) => callback(null, output),
        throwError: (code, reason) => callback(Object.assign(new Error(reason), { code, name: code })),
      });
      return;
    }

    const emails: QueuedEmail[] = [];
    const events: { type: string; data: Record<string, unknown> }[] = [];
    const assigned: Record<string, unknown> = {};
    const moves: StockMove[] = [];
    const now = this.deps.clock.now();
    this.inflight++;
    connector
      .run({
        instanceId: this.subject.instanceId,
        ticketNumber: this.subject.ticketNumber,
        elementId: activity.id,
        executionId,
        input,
        variables,
        headers: binding.headers,
        queueEmail: (email) => emails.push({ ...email, idempotencyKey: `${executionId}:${emails.length}` }),
        now,
        audit: (type, data) => events.push({ type, data }),
        setVariables: (values) => Object.assign(assigned, values),
        moveStock: (move) => moves.push({ ...move, instanceId: this.subject.instanceId, at: now.toISOString() }),
        logger: this.deps.logger,
      })
      .then(
        (result) => {
          let mapped: Record<string, unknown> = {};
          try {
            mapped = binding.outputs.length > 0 ? this.mapOutputs(binding.outputs, result ?? {}) : {};
          } catch (err) {
            return fail(`${activity.id}: output mapping could not be evaluated: ${errorMessage(err)}`);
          }
          this.servicesCompleted.add(executionId);
          this.emails.push(...emails);
          this.stockMoves.push(...moves);
          for (const event of events) this.record(event.type, activity, event.data);
          if (Object.keys(assigned).length) this.setVariables(assigned);
          if (binding.resultVariable) this.setVariables({ [binding.resultVariable]: result ?? null });
          this.setVariables(mapped);
          this.record('service.completed', activity, { executionId, connector: connector.name });
          callback(null, result);
        },
        (err: unknown) => fail(`${activity.id}: ${errorMessage(err)}`),
      )
      .finally(() => this.done());
  }
}

/**
 * What a call passes to its child and how it binds: Camunda 7 `camunda:in` (source, sourceExpression,
 * `variables="all"`), its `camunda:calledElementBinding` / `Version` / `VersionTag`; Camunda 8
 * `zeebe:calledElement` (all parent variables unless `propagateAllParentVariables="false"`, then the
 * io mapping's inputs). The `out` side is kept in the headers for the child's end.
 */
function callMappings(behaviour: Record<string, unknown>, variables: Record<string, unknown>): { input: Record<string, unknown>; headers: Record<string, string> } {
  const values = (behaviour['extensionElements'] as { values?: Record<string, unknown>[] } | undefined)?.values ?? [];
  const input: Record<string, unknown> = {};
  const out: { source?: string; sourceExpression?: string; target?: string; all?: boolean }[] = [];
  let zeebe = false;
  let passAll = false;
  for (const value of values) {
    const type = value['$type'];
    if (type === 'camunda:In') {
      if (value['variables'] === 'all') passAll = true;
      const target = typeof value['target'] === 'string' ? value['target'] : undefined;
      if (!target) continue;
      if (typeof value['sourceExpression'] === 'string') input[target] = evaluateExpression(value['sourceExpression'], expressionContext(variables));
      else if (typeof value['source'] === 'string') input[target] = variables[value['source']] ?? null;
    } else if (type === 'camunda:Out') {
      if (value['variables'] === 'all') out.push({ all: true });
      else out.push({ source: value['source'] as string | undefined, sourceExpression: value['sourceExpression'] as string | undefined, target: value['target'] as string | undefined });
    } else if (type === 'zeebe:CalledElement') {
      zeebe = true;
      passAll = value['propagateAllParentVariables'] !== false;
      if (value['propagateAllChildVariables'] !== false) out.push({ all: true });
    } else if (type === 'zeebe:IoMapping') {
      for (const parameter of (value['inputParameters'] as { source?: string; target?: string }[] | undefined) ?? []) {
        if (parameter.target) input[parameter.target] = evaluateExpression(parameter.source ?? '', expressionContext(variables));
      }
      for (const parameter of (value['outputParameters'] as { source?: string; target?: string }[] | undefined) ?? []) {
        if (parameter.target) out.push({ sourceExpression: parameter.source, target: parameter.target });
      }
    }
  }
  const text = (name: string) => (typeof behaviour[name] === 'string' ? (behaviour[name] as string) : '');
  const headers: Record<string, string> = {
    binding: text('calledElementBinding') || 'latest',
    version: text('calledElementVersion'),
    versionTag: text('calledElementVersionTag'),
    out: JSON.stringify(out),
    dialect: zeebe ? 'zeebe' : 'camunda',
  };
  return { input: passAll ? { ...variables, ...input } : input, headers };
}

/** Acks the flow discards waiting at runs still going, and the process's note that they are pending; returns how many. */
function dropQueuedDiscards(process: RunningProcess): number {
  let dropped = 0;
  for (const activity of process.getActivities()) {
    if (!activity.status) continue;
    for (const message of [...(activity.broker.getQueue('inbound-q')?.messages ?? [])]) {
      if (message.fields.routingKey !== 'flow.discard') continue;
      message.ack();
      // The process counts a flow as pending until its target takes the message: drop it there too.
      process.execution?._popPostponed(message.content)?.ack();
      dropped++;
    }
  }
  // A discard already taken off the queue by the run's inbound consumer is only noted at the process.
  const running = new Set(
    process
      .getActivities()
      .filter((activity) => activity.status)
      .map((activity) => activity.id),
  );
  for (const api of process.getPostponed()) {
    if (api.content.action !== 'discard' || !running.has(String(api.content.targetId))) continue;
    process.execution?._popPostponed(api.content)?.ack();
    dropped++;
  }
  return dropped;
}

interface QueuedMessage {
  fields: { routingKey: string };
  content: Record<string, unknown>;
  ack(): void;
}

interface ProcessChild {
  id: string;
  status?: string;
  init(): void;
  run(): void;
  broker: { getQueue(name: string): { messages: QueuedMessage[] } | undefined };
}

interface RunningProcess {
  getActivityById(id: string): ProcessChild | undefined;
  getActivities(): ProcessChild[];
  getPostponed(): ElementApi[];
  broker: { getQueue(name: string): { messages: QueuedMessage[] } | undefined };
  execution?: { executionId: string; _popPostponed(content: Record<string, unknown>): QueuedMessage | undefined };
}

interface ExecuteMessage {
  content: { executionId: string };
}

/** bpmn-elements names the activity on some of its errors (`err.source.content.id`). */
function elementOf(err: unknown): string | null {
  const source = (err as { source?: { content?: { id?: unknown } } } | null)?.source;
  return typeof source?.content?.id === 'string' ? source.content.id : null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** bpmn-engine's Logger option, routed to pino at debug level (the engine is chatty). */
function engineLogger(logger: Logger) {
  return (scope: string) => {
    const child = logger.child({ engine: scope });
    return {
      debug: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
      warn: (...args: unknown[]) => child.warn(args.map(String).join(' ')),
      error: (...args: unknown[]) => child.debug(args.map(String).join(' ')),
    };
  };
}
