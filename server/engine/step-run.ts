import { EventEmitter } from 'node:events';

import { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';
import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { StockMove } from '../field/field.js';
import type { MailAttachment } from '../outbox/mail-transport.js';
import type { ConnectorRegistry } from './connectors/connector-registry.js';
import { ConflictError } from '../errors.js';
import { moddleOptions } from './bpmn-source.js';
import { createExpressionHandlers, expressionContext, type ConditionEvaluation, type ExpressionFailure } from './engine-expressions.js';
import type { ElementApi, EngineDefinition, EngineProcess, EngineState } from './engine-types.js';
import { evaluateExpression } from './expressions/expression.js';
import { serviceBinding, type ServiceBehaviour, type ServiceBinding } from './service-binding.js';
import { StepTimers, type ArmedTimer } from './step-timers.js';

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

interface ServiceActivity {
  id: string;
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
        this.record('timer.scheduled', { id: timer.elementId }, {
          executionId: timer.executionId,
          timerType: timer.timerType,
          dueAt: timer.dueAt.toISOString(),
        }),
      dueNow,
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
      extensions: { baton: (activity: ServiceActivity) => this.bindService(activity) },
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
    });
    this.listen();
  }

  get error(): Error | null {
    return this.engineError;
  }

  async start(variables: Record<string, unknown>): Promise<void> {
    await this.engine.execute({ listener: this.listener, variables });
    await this.settle();
  }

  /**
   * Takes ownership of `state`: the engine mutates it while it runs. Callers pass the object the
   * store just parsed for this step and never read it again (a structuredClone here cost 10–20 %
   * of a step's CPU).
   */
  async resume(state: EngineState): Promise<void> {
    this.engine.recover(state);
    await this.engine.resume({ listener: this.listener });
    await this.settle();
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
    api.signal(output);
    await this.settle();
  }

  async cancel(): Promise<void> {
    this.cancelling = true;
    for (const process of this.definitions().flatMap((d) => d.getRunningProcesses())) process.getApi().discard();
    await this.settle();
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
    const activity = this.engine.execution?.getActivityById(timer.elementId) as
      | { attachedTo?: { id: string }; behaviour?: { cancelActivity?: boolean } }
      | undefined;
    const attachedTo = activity?.attachedTo?.id ?? null;
    return { ...timer, attachedTo, interrupting: attachedTo === null || activity?.behaviour?.cancelActivity !== false };
  }

  /** Stops the engine for eviction without cancelling the timers it holds. */
  async suspend(): Promise<void> {
    this.timers.suspending = true;
    if (!this.endedAs && this.engine.state === 'running') await this.engine.stop();
  }

  private definitions(): EngineDefinition[] {
    // bpmn-engine types its definitions loosely; EngineDefinition is the slice Baton reads.
    return (this.engine.execution?.definitions ?? []) as unknown as EngineDefinition[];
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
    on('activity.start', (api) => this.record('activity.entered', api, { type: api.type, executionId: api.executionId }));
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
      this.record('activity.cancelled', api, { type: api.type, executionId: api.executionId });
    });
    on('flow.take', (api) =>
      this.record('flow.taken', api, { sourceId: api.content.sourceId ?? null, targetId: api.content.targetId ?? null }),
    );
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
  }

  private bindService(activity: ServiceActivity): undefined {
    if (!SERVICE_TYPES.has(activity.type)) return undefined;
    const binding = serviceBinding(activity.behaviour);
    // bpmn-elements instantiates `behaviour.Service` with `new` for every run of the task.
    const run = this;
    activity.behaviour.Service = function BatonService() {
      return { execute: (message: ExecuteMessage, callback: EngineCallback) => run.callConnector(activity, binding, message, callback) };
    };
    return undefined;
  }

  private callConnector(activity: ServiceActivity, binding: ServiceBinding, message: ExecuteMessage, callback: EngineCallback): void {
    const executionId = message.content.executionId;
    const fail = (reason: string): void => {
      this.serviceFailures.set(executionId, { elementId: activity.id, message: reason });
    };
    const connector = binding.connector ? this.deps.connectors.get(binding.connector) : undefined;
    if (!connector) return fail(`${activity.id}: no connector named '${binding.connector ?? ''}'`);

    const variables = activity.environment.variables;
    const input: Record<string, unknown> = {};
    try {
      for (const { name, value } of binding.inputs) input[name] = evaluateExpression(value, expressionContext(variables));
    } catch (err) {
      return fail(`${activity.id}: input could not be evaluated: ${errorMessage(err)}`);
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
        queueEmail: (email) => emails.push({ ...email, idempotencyKey: `${executionId}:${emails.length}` }),
        now,
        audit: (type, data) => events.push({ type, data }),
        setVariables: (values) => Object.assign(assigned, values),
        moveStock: (move) => moves.push({ ...move, instanceId: this.subject.instanceId, at: now.toISOString() }),
        logger: this.deps.logger,
      })
      .then(
        (result) => {
          this.servicesCompleted.add(executionId);
          this.emails.push(...emails);
          this.stockMoves.push(...moves);
          for (const event of events) this.record(event.type, activity, event.data);
          if (Object.keys(assigned).length) this.setVariables(assigned);
          if (binding.resultVariable) this.setVariables({ [binding.resultVariable]: result ?? null });
          this.record('service.completed', activity, { executionId, connector: connector.name });
          callback(null, result);
        },
        (err: unknown) => fail(`${activity.id}: ${errorMessage(err)}`),
      )
      .finally(() => this.done());
  }
}

interface ExecuteMessage {
  content: { executionId: string };
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
