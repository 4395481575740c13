import { GENESIS_HASH } from '../audit/audit-chain.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { businessTimers, processCalendarOf } from '../calendars/runner-calendars.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { ElementApi } from '../engine/engine-types.js';
import type { StepRun } from '../engine/step-run.js';
import { ConflictError, InvalidInputError, VersionConflictError } from '../errors.js';
import type { InstanceRecord } from './instance.js';
import type { StartRequest } from './instance-runner.js';
import { engineVersionOf } from './project-step.js';
import { TaskAttributeFailure } from './route-opened-tasks.js';
import type { StepResult } from './step-action.js';
import { stepFailure, type StepPath } from './step-path.js';
import type { TicketNumbers, TicketReservation } from './ticket-numbers.js';

/** One attempt of a start with a reserved ticket number; nothing is saved unless the commit takes the number. */
export async function startStep(path: StepPath, tickets: TicketNumbers, definition: DefinitionRecord, request: StartRequest, id: string, ticket: TicketReservation): Promise<StepResult> {
  const { store, clock } = path.deps;
  const { ticketNumber } = ticket;
  const now = clock.now();
  const source = await path.deps.sources.get(definition);
  const calendars = await path.calendars();
  const processCalendar = processCalendarOf(source);
  const started: AuditEventInput = {
    type: 'instance.started',
    actor: request.actor,
    data: { processKey: definition.key, version: definition.version, ticketNumber, businessKey: request.businessKey, variables: request.variables },
  };
  const run = await path.deps.engine.open(
    {
      instanceId: id,
      ticketNumber,
      version: null,
      definitionId: definition.id,
      source,
      timerClocks: businessTimers(calendars, processCalendar),
      savedTimers: new Map(),
      dueNow: new Set(request.startTimer ? [request.startTimer] : []),
      actor: request.actor,
    },
    { kind: 'start', variables: { ...request.variables, ticketNumber } },
  );
  let committed: StepResult | null = null;
  try {
    if (request.startMessage) {
      const wait = findMessageWait(run, request.startMessage);
      if (wait) await run.signal(wait.executionId, request.variables);
    }
    const failure = stepFailure(run);
    // Nothing was saved yet: a start that cannot run is refused, not half-stored.
    if (failure) throw new InvalidInputError(`The process could not start: ${failure.message}`, [failure]);
    const snapshot = await run.snapshot();
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
      const context = {
        expectedVersion: null,
        leading: [started],
        openTasks: [],
        openIncidents: [],
        ticketAccess,
        ticket: { prefix: ticket.prefix, seq: ticket.seq },
        calendars,
        processCalendar,
        pendingTimers: [],
      };
      committed = await tickets.inOrder(ticket, () => path.commitRun(instance, run, snapshot, source, context));
      return committed;
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
  } finally {
    await path.release(run, committed);
  }
}

export function duplicateBusinessKey(processKey: string, businessKey: string, existing: InstanceRecord): ConflictError {
  return new ConflictError(`An instance of '${processKey}' with business key '${businessKey}' exists already (ticket ${existing.ticketNumber}, id ${existing.id})`);
}

function findMessageWait(run: StepRun, messageName: string): ElementApi | undefined {
  return run.waitingAll().find((api) => api.content.message?.name === messageName);
}
