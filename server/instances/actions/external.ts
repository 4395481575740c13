import { ConflictError } from '../../errors.js';
import type { ActionHandler, ActionOf } from './action.js';

/** A worker completes its external task (what it changes is recorded by the projection, external-step.ts). */
export const externalComplete: ActionHandler<ActionOf<'external-complete'>> = {
  async apply(action, run) {
    await run.completeExternal(action.executionId, action.variables, action.actor);
    return 'go';
  },
};

/** A worker ends its external task with a BPMN error. */
export const externalError: ActionHandler<ActionOf<'external-error'>> = {
  async apply(action, run) {
    await run.throwExternalError(action.executionId, action.errorCode, action.errorMessage, action.variables, action.actor);
    return 'go';
  },
};

/** A worker failed: nothing moves in the engine, the task keeps waiting; the projection records the failure. */
export const externalFailure: ActionHandler<ActionOf<'external-failure'>> = {
  async apply(action, run) {
    if (!run.externalWaits.has(action.executionId)) throw new ConflictError('The external task is no longer waiting in the process');
    return 'go';
  },
};

/** A call activity's child instance was started: recorded with the parent, for replay. */
export const externalLinked: ActionHandler<ActionOf<'external-linked'>> = {
  async apply(action, run, step) {
    const wait = run.externalWaits.get(action.executionId);
    if (!wait) throw new ConflictError('The call is no longer waiting in the process');
    step.leading.push({
      type: 'call.started',
      actor: action.actor,
      elementId: wait.elementId,
      data: { executionId: action.executionId, childInstanceId: action.childInstanceId, childTicket: action.childTicket, processKey: action.childProcessKey },
    });
    return 'go';
  },
};
