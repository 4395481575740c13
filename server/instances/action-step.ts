import { dueTimesOf } from '../timers/timer.js';
import type { EngineState } from '../engine/engine-types.js';
import { businessTimers, processCalendarOf } from '../calendars/runner-calendars.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { LoadedStep } from './actions/action.js';
import { handlerOf } from './actions/index.js';
import { moveByCalendars } from './actions/timer.js';
import { TaskAttributeFailure } from './route-opened-tasks.js';
import { noop, type StepAction, type StepResult } from './step-action.js';
import { stepFailure, type StepPath } from './step-path.js';

/**
 * One action on a running instance: load → action.check → timers moved by their calendars →
 * action.prepare (with the diagram) → engine → action.apply → snapshot → project → commit.
 * A step that fails in the engine commits an incident instead; one with nothing to do is a noop.
 */
export async function actionStep(path: StepPath, instanceId: string, action: StepAction): Promise<StepResult> {
  const { store, clock } = path.deps;
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
  const step: LoadedStep = {
    instance,
    openTasks,
    openIncidents: incidents.filter((incident) => incident.status === 'open'),
    pendingTimers,
    externalTasks,
    clock,
    saved: dueTimesOf(pendingTimers),
    leading: [],
    effective: action,
    retried: null,
  };
  const handler = handlerOf(action);
  if (handler.check?.(action, step) === 'noop') return noop(instance);
  // A retry replays the failed step's action: that action's own checks hold too.
  if (step.effective !== action) handlerOf(step.effective).check?.(step.effective, step);
  const calendars = await path.calendars();
  moveByCalendars(step, action, calendars);
  const definition = await store.definitions.getById(instance.definitionId);
  if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} is missing`);
  const source = await path.deps.sources.get(definition);
  if (handler.prepare?.(action, step, source) === 'noop') return noop(instance);

  const effective = step.effective;
  const processCalendar = processCalendarOf(source);
  const run = await path.deps.engine.open(
    {
      instanceId,
      ticketNumber: instance.ticketNumber,
      version: instance.version,
      definitionId: instance.definitionId,
      // A retry re-runs the failed service by resuming the stored state.
      resident: action.kind !== 'retry',
      source,
      timerClocks: businessTimers(calendars, processCalendar),
      savedTimers: step.saved,
      actor: 'actor' in effective && effective.actor ? effective.actor : 'timer',
    },
    { kind: 'resume', state: instance.state as EngineState },
  );
  let committed: StepResult | null = null;
  try {
    if ((await handlerOf(effective).apply(effective, run, step)) === 'noop') return noop(instance);
    // Files sent with the answer: kept with the step, or with its incident (whose retry's output references them).
    const uploads = action.kind === 'complete-task' ? action.uploads : undefined;
    const incident = { instance, action: effective, leading: step.leading, pendingTimers, openIncidents: step.openIncidents, uploads };
    const failure = stepFailure(run);
    if (failure) return await path.commitIncident({ ...incident, failure });
    const snapshot = await run.snapshot();
    try {
      committed = await path.commitRun(instance, run, snapshot, source, {
        expectedVersion: instance.version,
        leading: step.leading,
        openTasks,
        openIncidents: step.openIncidents,
        action: effective,
        retried: step.retried,
        uploads,
        externalTasks,
        calendars,
        processCalendar,
        pendingTimers,
      });
      return committed;
    } catch (err) {
      if (!(err instanceof TaskAttributeFailure)) throw err;
      return await path.commitIncident({ ...incident, failure: { elementId: err.elementId, message: err.message } });
    }
  } finally {
    await path.release(run, committed);
  }
}
