import type { Logger } from 'pino';

import { chainEvents } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { diffVariables } from '../audit/variable-diff.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { EngineState } from '../engine/engine-types.js';
import { BatonError, ConflictError, NotFoundError, VersionConflictError } from '../errors.js';
import type { IncidentRecord, InstanceRecord } from '../instances/instance.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { InterventionPreview } from '../instances/intervention.js';
import type { Store } from '../stores/store.js';
import { activeElements, migrationRefusal, savedActiveElements } from './migration-fit.js';
import type { EditVariables, IncidentRetryRequest, MigrationRequest, MoveRequest, RestartRequest } from '../contracts/operations.js';
import { assertMayIntervene } from './process-ownership.js';
import { withVariables } from './state-variables.js';

/** With four-eyes: who asked for the change and which request was approved, added to its audit event. */
export type ApprovalStamp = { approvalId?: string; requestedBy?: string };

export interface IncidentGroup {
  /** What failed, as the incidents say it (one group per element and message). */
  cause: string;
  elementId: string | null;
  kind: IncidentRecord['kind'];
  count: number;
  incidents: (IncidentRecord & { ticketNumber: string; processKey: string; definitionVersion: number })[];
}

export interface RetryOutcome {
  incidentId: string;
  instanceId: string;
  resolved: boolean;
  /** Why the retry did not resolve it (it failed again, or it could not run). */
  error: string | null;
}

export interface MigrationOutcome {
  migrated: string[];
  refused: { instanceId: string; reason: string }[];
  /** Per migrated instance: what it did (or would do, in a dry run). */
  previews: Record<string, InterventionPreview>;
  dryRun: boolean;
}

/** Marks an audit event as an operator's intervention, so analytics can leave it out or show it. */
function intervention(type: string, actor: string, data: Record<string, unknown>, elementId: string | null = null): AuditEventInput {
  return { type, actor, elementId, data: { ...data, intervention: true } };
}

/**
 * Operators' hands on running work (issue 18): variables, incident retries, moving a token,
 * restarting a finished ticket, migrating instances to another version. Every change is guarded
 * (admins; process owners for the processes they own), carries a reason, is audited as an
 * intervention, and is saved through the runner as one step.
 */
export class OperationsService {
  constructor(
    private readonly store: Store,
    private readonly runner: InstanceRunner,
    readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Sets and removes variables in the saved state, without running the engine (a due timer or a failed call would run with it). */
  async editVariables(principal: Principal, instanceId: string, body: EditVariables, stamp: ApprovalStamp = {}): Promise<InstanceRecord> {
    await this.authorise(principal, instanceId);
    return this.runner.exclusive(instanceId, async () => {
      const instance = await this.instance(instanceId);
      if (body.version !== undefined && body.version !== instance.version) {
        throw new VersionConflictError(`Ticket ${instance.ticketNumber} changed meanwhile (version ${body.version} was seen, it is at ${instance.version}); reload it`);
      }
      if (instance.status !== 'running' || instance.state === null) throw new ConflictError(`Ticket ${instance.ticketNumber} is ${instance.status}; its variables can no longer change`);
      const variables = { ...instance.variables, ...body.set };
      for (const name of body.remove) delete variables[name];
      const diff = diffVariables(instance.variables, variables);
      const now = this.clock.now();
      const audit: AuditEventInput[] = [intervention('instance.variables-edited', principal.username, { set: body.set, removed: body.remove, reason: body.reason, ...stamp })];
      if (diff) audit.push({ type: 'variables.changed', actor: principal.username, elementId: null, data: { ...diff } });
      const chained = chainEvents(instance.auditHead, { instanceId, definitionId: instance.definitionId, at: now }, audit);
      const next: InstanceRecord = {
        ...instance,
        variables,
        state: withVariables(instance.state as EngineState, body.set, body.remove),
        version: instance.version + 1,
        auditHead: chained.head,
        updatedAt: now.toISOString(),
      };
      await this.store.commitStep({ instance: next, expectedVersion: instance.version, tasks: [], audit: chained.events, timers: null, subscriptions: null, incidents: [], outbox: [] });
      this.runner.events.emit('step.committed', { instance: next, tasks: [], timers: [], incidents: [], outbox: [], fired: [] });
      return next;
    });
  }

  async move(principal: Principal, instanceId: string, body: MoveRequest, stamp: ApprovalStamp = {}): Promise<{ preview: InterventionPreview; instance: InstanceRecord | null }> {
    await this.authorise(principal, instanceId);
    if (body.from === body.to) throw new ConflictError('from and to are the same activity');
    const { result, preview } = await this.runner.intervene(instanceId, {
      actor: principal.username,
      audit: [intervention('instance.moved', principal.username, { from: body.from, to: body.to, reason: body.reason, ...stamp })],
      expectedVersion: body.version,
      dryRun: body.dryRun,
      drive: async (run) => {
        if (!run.source.getActivityById(body.to)) throw new ConflictError(`The diagram has no activity '${body.to}'`);
        if (!activeElements(run).includes(body.from)) throw new ConflictError(`No token waits at '${body.from}'`);
        await run.moveToken(body.from, body.to);
      },
    });
    return { preview, instance: result?.instance ?? null };
  }

  /** Cancels a pending boundary timer (an SLA warning or escalation); its activity stays open. */
  async cancelTimer(principal: Principal, timerId: string, reason: string): Promise<InterventionPreview> {
    const timer = await this.store.timers.get(timerId);
    if (!timer) throw new NotFoundError(`No pending timer ${timerId}`);
    await this.authorise(principal, timer.instanceId);
    const { preview } = await this.runner.intervene(timer.instanceId, {
      actor: principal.username,
      audit: [intervention('timer.cancelled', principal.username, { timerId, dueAt: timer.dueAt, reason }, timer.elementId)],
      dryRun: false,
      drive: async (run) => {
        if (!(await run.cancelBoundaryEvent(timer.elementId))) {
          throw new ConflictError(`Only a boundary timer (an SLA or escalation) can be cancelled; '${timer.elementId}' is not one waiting now: move the token to skip a timer event`);
        }
      },
    });
    return preview;
  }

  async restart(principal: Principal, instanceId: string, body: RestartRequest): Promise<{ preview: InterventionPreview; instance: InstanceRecord | null }> {
    await this.authorise(principal, instanceId);
    const { result, preview } = await this.runner.intervene(instanceId, {
      actor: principal.username,
      audit: [intervention('instance.restarted', principal.username, { from: body.from, reason: body.reason })],
      restartAt: body.from,
      dryRun: body.dryRun,
      drive: async (run) => {
        if (!run.source.getActivityById(body.from)) throw new ConflictError(`The diagram has no activity '${body.from}'`);
      },
    });
    return { preview, instance: result?.instance ?? null };
  }

  /**
   * Moves running instances of one version to another, in batches. Each instance is recovered
   * into the target version (the same activity ids unless `mapping` says otherwise); one whose
   * tokens sit where the target has no activity is refused, with why. A dry run goes through the
   * same steps without saving, so it lists exactly what the migration does.
   */
  async migrate(principal: Principal, body: MigrationRequest, stamp: ApprovalStamp = {}): Promise<MigrationOutcome> {
    const [from, to] = await Promise.all([this.definition(body.processKey, body.fromVersion), this.definition(body.processKey, body.toVersion)]);
    assertMayIntervene(principal, from);
    assertMayIntervene(principal, to);
    const ids = body.instanceIds ?? (await this.runningOf(from));
    const outcome: MigrationOutcome = { migrated: [], refused: [], previews: {}, dryRun: body.dryRun };
    for (let start = 0; start < ids.length; start += body.batchSize) {
      const batch = ids.slice(start, start + body.batchSize);
      await Promise.all(batch.map((instanceId) => this.migrateOne(principal, instanceId, from, to, body, outcome, stamp)));
      this.logger.info({ processKey: body.processKey, done: Math.min(start + body.batchSize, ids.length), of: ids.length, dryRun: body.dryRun }, 'migration batch');
    }
    // Batches run their instances side by side: report them in the order asked for.
    const order = new Map(ids.map((id, index) => [id, index]));
    outcome.migrated.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    outcome.refused.sort((a, b) => (order.get(a.instanceId) ?? 0) - (order.get(b.instanceId) ?? 0));
    return outcome;
  }

  private async migrateOne(
    principal: Principal,
    instanceId: string,
    from: DefinitionRecord,
    to: DefinitionRecord,
    body: MigrationRequest,
    outcome: MigrationOutcome,
    stamp: ApprovalStamp,
  ): Promise<void> {
    try {
      const instance = await this.store.instances.get(instanceId);
      const refusal = migrationRefusal(instance, from, to, body.mapping);
      if (refusal) throw new ConflictError(refusal);
      // Tokens to place by the mapping, read from the saved state: one at an activity the target
      // lacks is gone once recovered there, so it cannot be asked for afterwards.
      const placed = savedActiveElements(instance?.state).filter((id) => body.mapping[id] !== undefined && body.mapping[id] !== id);
      const { preview } = await this.runner.intervene(instanceId, {
        actor: principal.username,
        audit: [
          intervention('instance.migrated', principal.username, { processKey: from.key, fromVersion: from.version, toVersion: to.version, mapping: body.mapping, reason: body.reason, ...stamp }),
        ],
        definition: to,
        dryRun: body.dryRun,
        drive: async (run) => {
          run.dropTokensOutsideDiagram();
          for (const source of placed) await run.moveToken(source, body.mapping[source] ?? source);
        },
      });
      outcome.migrated.push(instanceId);
      outcome.previews[instanceId] = preview;
    } catch (err) {
      if (!(err instanceof BatonError)) throw err;
      outcome.refused.push({ instanceId, reason: err.message });
    }
  }

  /** Open incidents of the processes the caller may act on, grouped by what failed. */
  async incidents(principal: Principal, limit = 1000): Promise<IncidentGroup[]> {
    const open = await this.store.instances.openIncidents(limit);
    const groups = new Map<string, IncidentGroup>();
    const instances = new Map<string, InstanceRecord | null>();
    const allowed = new Map<string, boolean>();
    for (const incident of open) {
      if (!instances.has(incident.instanceId)) instances.set(incident.instanceId, await this.store.instances.get(incident.instanceId));
      const instance = instances.get(incident.instanceId);
      if (!instance) continue;
      if (!allowed.has(instance.definitionId)) allowed.set(instance.definitionId, await this.mayIntervene(principal, instance.definitionId));
      if (!allowed.get(instance.definitionId)) continue;
      const cause = causeOf(incident);
      const key = `${incident.kind}\u0000${incident.elementId ?? ''}\u0000${cause}`;
      const group = groups.get(key) ?? { cause, elementId: incident.elementId, kind: incident.kind, count: 0, incidents: [] };
      group.incidents.push({ ...incident, ticketNumber: instance.ticketNumber, processKey: instance.processKey, definitionVersion: instance.definitionVersion });
      group.count++;
      groups.set(key, group);
    }
    return [...groups.values()].sort((a, b) => b.count - a.count);
  }

  /** Retries the given incidents, or every open incident of one cause; each retry is its own step. */
  async retry(principal: Principal, body: IncidentRetryRequest): Promise<RetryOutcome[]> {
    let targets: IncidentRecord[];
    if (body.incidentIds) {
      targets = [];
      for (const id of body.incidentIds) {
        const incident = await this.store.instances.getIncident(id);
        if (!incident) throw new NotFoundError(`Incident ${id} does not exist`);
        targets.push(incident);
      }
    } else {
      targets = (await this.incidents(principal)).filter((group) => group.cause === body.cause).flatMap((group) => group.incidents);
      if (targets.length === 0) throw new NotFoundError(`No open incident has the cause '${body.cause ?? ''}'`);
    }
    for (const incident of targets) await this.authorise(principal, incident.instanceId);
    const outcomes: RetryOutcome[] = [];
    for (const incident of targets) {
      try {
        const result = await this.runner.apply(incident.instanceId, { kind: 'retry', incidentId: incident.id, actor: principal.username, reason: body.reason });
        const again = result.incident?.id === incident.id ? result.incident : null;
        outcomes.push({ incidentId: incident.id, instanceId: incident.instanceId, resolved: again === null, error: again ? again.message : null });
      } catch (err) {
        if (!(err instanceof BatonError)) throw err;
        outcomes.push({ incidentId: incident.id, instanceId: incident.instanceId, resolved: false, error: err.message });
      }
    }
    return outcomes;
  }

  /** A migration's guard alone (both versions exist, the caller may intervene in the process): four-eyes checks it when asked. */
  async authoriseMigration(principal: Principal, body: Pick<MigrationRequest, 'processKey' | 'fromVersion' | 'toVersion'>): Promise<void> {
    const [from, to] = await Promise.all([this.definition(body.processKey, body.fromVersion), this.definition(body.processKey, body.toVersion)]);
    assertMayIntervene(principal, from);
    assertMayIntervene(principal, to);
  }

  /** 404 for an unknown instance, 403 when the caller may not intervene in its process. */
  async authorise(principal: Principal, instanceId: string): Promise<void> {
    const instance = await this.instance(instanceId);
    const definition = await this.store.definitions.getById(instance.definitionId);
    if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
    assertMayIntervene(principal, definition);
  }

  private async mayIntervene(principal: Principal, definitionId: string): Promise<boolean> {
    const definition = await this.store.definitions.getById(definitionId);
    if (!definition) return false;
    try {
      assertMayIntervene(principal, definition);
      return true;
    } catch {
      return false;
    }
  }

  private async instance(id: string): Promise<InstanceRecord> {
    const instance = await this.store.instances.get(id);
    if (!instance) throw new NotFoundError(`Instance ${id} does not exist`);
    return instance;
  }

  private async definition(key: string, version: number): Promise<DefinitionRecord> {
    const definition = await this.store.definitions.get(key, version);
    if (!definition) throw new NotFoundError(`Process '${key}' has no version ${version}`);
    return definition;
  }

  /** Every running instance of that version, oldest first. */
  private async runningOf(definition: DefinitionRecord): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.store.instances.list({ processKey: definition.key, status: 'running', limit: 1000, offset });
      ids.push(...page.filter((instance) => instance.definitionId === definition.id).map((instance) => instance.id));
      if (page.length < 1000) break;
    }
    return ids.reverse();
  }
}

/** The cause an incident is grouped by: its message without the ticket-specific element prefix. */
export function causeOf(incident: Pick<IncidentRecord, 'message' | 'elementId'>): string {
  const prefix = incident.elementId ? `${incident.elementId}: ` : '';
  return prefix && incident.message.startsWith(prefix) ? incident.message.slice(prefix.length) : incident.message;
}
