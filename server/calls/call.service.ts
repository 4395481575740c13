/**
 * Call activities across deployments. A call activity naming a process that is not in its own
 * diagram waits like an external task of kind `call` (engine/step-run.ts, external-tasks/), and
 * this service is its worker: after each committed step it starts the child instance of the
 * process the call binds to (latest, a version, or a version tag), links parent and child in both
 * audit logs, and when the child ends completes the call with the child's variables (`camunda:out`,
 * Zeebe outputs). A cancelled call cancels its child; a child's incident, or its cancellation,
 * raises an incident on the parent, whose retry hands the call on again.
 *
 * The child has its own ticket number (its process's prefix); the parent's audit log names it
 * (`call.started`) and the child's names the parent (`call.parent`). Every change is a step of one
 * instance through the runner; between two of them a crash is repaired by `recover()` at start.
 */
import type { Logger } from 'pino';

import type { DefinitionRecord } from '../definitions/definition.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import { expressionContext } from '../engine/engine-expressions.js';
import { evaluateExpression } from '../engine/expressions/expression.js';
import { BatonError, NotFoundError } from '../errors.js';
import type { ExternalTaskRecord } from '../external-tasks/external-task.js';
import type { ExternalTaskStore } from '../external-tasks/external-task.store.js';
import type { IncidentRecord, InstanceRecord } from '../instances/instance.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { InstanceStore } from '../instances/instance.store.js';

interface OutMapping {
  all?: boolean;
  source?: string;
  sourceExpression?: string;
  target?: string;
}

/** Variables a child never hands back: its own ticket number would overwrite the parent's. */
const CHILD_ONLY = new Set(['ticketNumber']);

export class CallService {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly calls: ExternalTaskStore,
    private readonly instances: InstanceStore,
    private readonly definitions: DefinitionStore,
    private readonly runner: InstanceRunner,
    private readonly logger: Logger,
  ) {
    runner.events.on('step.committed', ({ instance, incidents }) => this.enqueue(() => this.afterStep(instance, incidents)));
    runner.events.on('incident.raised', (incident) => this.enqueue(() => this.childIncident(incident)));
  }

  /** Resolves once no call work is pending (tests; shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.chain;
      await current;
      if (current === this.chain) return;
    }
  }

  /** Calls left half-done by a crash: children never started, ended children never reported. */
  recover(): void {
    this.enqueue(async () => {
      for (const row of await this.calls.listOpen({})) {
        if (row.kind !== 'call') continue;
        const parent = await this.instances.get(row.instanceId);
        if (parent?.status === 'running') await this.handleOpen(parent, row);
      }
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => this.logger.error({ err }, 'call activity work failed'));
  }

  private async afterStep(instance: InstanceRecord, incidents: IncidentRecord[]): Promise<void> {
    for (const row of await this.calls.forInstance(instance.id)) {
      if (row.kind !== 'call') continue;
      if (row.status === 'open' && instance.status === 'running') await this.handleOpen(instance, row);
      if (row.status === 'cancelled' && row.childInstanceId !== null) await this.cancelChild(row.childInstanceId, instance);
    }
    if (instance.status !== 'running') await this.childEnded(instance);
    const raised = incidents.find((incident) => incident.status === 'open');
    if (raised) await this.childIncident(raised);
  }

  private async handleOpen(parent: InstanceRecord, row: ExternalTaskRecord): Promise<void> {
    if (row.childInstanceId === null) return this.startChild(parent, row);
    const child = await this.instances.get(row.childInstanceId);
    // Retried after its child was cancelled: a new child; a child that ended unreported: report it.
    if (child === null || child.status === 'cancelled') return this.startChild(parent, row);
    if (child.status === 'completed') await this.childEnded(child);
  }

  private async startChild(parent: InstanceRecord, row: ExternalTaskRecord): Promise<void> {
    let definition: DefinitionRecord;
    let child: InstanceRecord;
    try {
      definition = await this.bound(row);
      child = (await this.runner.start(definition, { variables: row.input, businessKey: null, actor: 'system' })).instance;
    } catch (err) {
      if (!(err instanceof BatonError)) throw err;
      await this.failParent(row, `the call of '${row.topic}' could not start: ${err.message}`);
      return;
    }
    await this.runner.apply(parent.id, {
      kind: 'external-linked',
      executionId: row.executionId,
      childInstanceId: child.id,
      childTicket: child.ticketNumber,
      childProcessKey: definition.key,
      actor: 'system',
    });
    if (child.status === 'running') {
      await this.runner.apply(child.id, {
        kind: 'annotate',
        event: { type: 'call.parent', actor: 'system', elementId: null, data: { parentInstanceId: parent.id, parentTicket: parent.ticketNumber, elementId: row.elementId } },
        actor: 'system',
      });
    } else {
      // It ran to its end within its start step: report it now that the call knows it.
      await this.childEnded(child);
    }
  }

  /** The version the call binds to (Camunda 7 binding: latest, version, versionTag). */
  private async bound(row: ExternalTaskRecord): Promise<DefinitionRecord> {
    const key = row.topic;
    const binding = row.headers['binding'] ?? 'latest';
    if (binding === 'version') {
      const version = Number(row.headers['version']);
      const found = Number.isInteger(version) ? await this.definitions.get(key, version) : null;
      if (!found) throw new NotFoundError(`process '${key}' has no version ${row.headers['version'] ?? ''}`);
      return found;
    }
    if (binding === 'versionTag') {
      const tag = row.headers['versionTag'] ?? '';
      const versions = (await this.definitions.versions(key)).sort((a, b) => b.version - a.version);
      for (const summary of versions) {
        const found = await this.definitions.get(key, summary.version);
        if (found && new RegExp(`versionTag="${escapeRegExp(tag)}"`).test(found.xml)) return found;
      }
      throw new NotFoundError(`no version of process '${key}' has the version tag '${tag}'`);
    }
    const latest = await this.definitions.latest(key);
    if (!latest) throw new NotFoundError(`no process '${key}' is deployed`);
    return latest;
  }

  private async childEnded(child: InstanceRecord): Promise<void> {
    const row = await this.calls.byChild(child.id);
    if (!row || (row.status !== 'open' && row.status !== 'incident')) return;
    if (child.status === 'completed') {
      await this.runner.apply(row.instanceId, { kind: 'external-complete', executionId: row.executionId, variables: this.handedBack(row, child), actor: 'system' });
    } else if (child.status === 'cancelled' && row.status === 'open') {
      await this.failParent(row, `the called ticket ${child.ticketNumber} was cancelled`);
    }
  }

  private async childIncident(incident: IncidentRecord): Promise<void> {
    const row = await this.calls.byChild(incident.instanceId);
    if (!row || row.status !== 'open') return;
    const child = await this.instances.get(incident.instanceId);
    await this.failParent(row, `the called ticket ${child?.ticketNumber ?? incident.instanceId} has an incident: ${incident.message}`);
  }

  private async cancelChild(childId: string, parent: InstanceRecord): Promise<void> {
    const child = await this.instances.get(childId);
    if (child?.status !== 'running') return;
    await this.runner.apply(childId, { kind: 'cancel', actor: 'system', reason: `the calling ticket ${parent.ticketNumber} no longer waits for it` });
  }

  private async failParent(row: ExternalTaskRecord, message: string): Promise<void> {
    const parent = await this.instances.get(row.instanceId);
    if (parent?.status !== 'running') return;
    await this.runner.apply(row.instanceId, { kind: 'external-failure', executionId: row.executionId, errorMessage: message, retries: 0, retryTimeoutMs: 0, actor: 'system' });
  }

  /** The child's variables the call hands back: all (`variables="all"`, Zeebe's default) or the mapped ones. */
  private handedBack(row: ExternalTaskRecord, child: InstanceRecord): Record<string, unknown> {
    const mappings = JSON.parse(row.headers['out'] ?? '[]') as OutMapping[];
    const result: Record<string, unknown> = {};
    for (const mapping of mappings) {
      if (mapping.all) {
        for (const [name, value] of Object.entries(child.variables)) if (!CHILD_ONLY.has(name)) result[name] = value;
      } else if (mapping.target && mapping.sourceExpression) {
        result[mapping.target] = evaluateExpression(mapping.sourceExpression, expressionContext(child.variables));
      } else if (mapping.target && mapping.source) {
        result[mapping.target] = child.variables[mapping.source] ?? null;
      }
    }
    return result;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
