import { dueTimesOf } from '../timers/timer.js';
import { businessTimers, processCalendarOf } from '../calendars/runner-calendars.js';
import { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import type { EngineState } from '../engine/engine-types.js';
import { ConflictError, NotFoundError, VersionConflictError } from '../errors.js';
import type { InstanceRecord } from './instance.js';
import { previewOf, type Intervention, type InterventionPreview } from './intervention.js';
import type { StepResult } from './step-action.js';
import { stepFailure, type StepPath } from './step-path.js';

/** An operator's intervention (InstanceRunner.intervene): load → engine (recovered or restarted) → drive → preview → commit. */
export async function interventionStep(path: StepPath, instanceId: string, intervention: Intervention): Promise<{ result: StepResult | null; preview: InterventionPreview }> {
  const { store } = path.deps;
  const instance = await store.instances.get(instanceId);
  if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
  if (intervention.expectedVersion !== undefined && intervention.expectedVersion !== instance.version) {
    throw new VersionConflictError(`Ticket ${instance.ticketNumber} changed meanwhile (version ${intervention.expectedVersion} was seen, it is at ${instance.version}); reload it`);
  }
  const restarting = intervention.restartAt !== undefined;
  if (restarting && instance.status === 'running') throw new ConflictError(`Ticket ${instance.ticketNumber} is still running: move its token instead of restarting it`);
  if (!restarting && instance.status !== 'running') throw new ConflictError(`Ticket ${instance.ticketNumber} is ${instance.status}; nothing more can happen to it`);
  const [openTasks, incidents, pendingTimers] = await Promise.all([store.tasks.list({ instanceId, status: 'open' }), store.instances.incidents(instanceId), store.timers.forInstance(instanceId)]);
  const openIncidents = incidents.filter((incident) => incident.status === 'open');
  const definition = intervention.definition ?? (await store.definitions.getById(instance.definitionId));
  if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
  const source = await path.deps.sources.get(definition);
  const calendars = await path.calendars();
  const processCalendar = processCalendarOf(source);
  const run = await path.deps.engine.open(
    {
      instanceId,
      ticketNumber: instance.ticketNumber,
      version: instance.version,
      definitionId: definition.id,
      // An operator's change runs on the stored state, and its engine is not kept.
      resident: false,
      source,
      timerClocks: businessTimers(calendars, processCalendar),
      savedTimers: dueTimesOf(pendingTimers),
      actor: intervention.actor,
      // A dry run calls no connector: each service the step would reach is noted, not run.
      ...(intervention.dryRun && { connectors: new ConnectorRegistry() }),
    },
    intervention.restartAt !== undefined ? { kind: 'start-at', variables: instance.variables, activityId: intervention.restartAt } : { kind: 'resume', state: instance.state as EngineState },
  );
  let committed: StepResult | null = null;
  try {
    await intervention.drive(run);
    const failure = stepFailure(run);
    if (failure) throw new ConflictError(`The intervention cannot run: ${failure.message}`, [failure]);
    const snapshot = await run.snapshot();
    const preview = previewOf(run, snapshot, openTasks, pendingTimers);
    if (intervention.dryRun) return { result: null, preview };
    const base: InstanceRecord = { ...instance, definitionId: definition.id, definitionVersion: definition.version };
    committed = await path.commitRun(base, run, snapshot, source, {
      expectedVersion: instance.version,
      leading: intervention.audit,
      openTasks,
      openIncidents,
      calendars,
      processCalendar,
      pendingTimers,
    });
    return { result: committed, preview };
  } finally {
    await path.release(run, committed);
  }
}
