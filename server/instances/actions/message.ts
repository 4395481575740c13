import { ConflictError } from '../../errors.js';
import type { ActionHandler, ActionOf } from './action.js';

/** A message correlated to the activity that waits for it. */
export const message: ActionHandler<ActionOf<'message'>> = {
  async apply(action, run, step) {
    if (!run.waiting(action.executionId)) throw new ConflictError(`Nothing waits for message '${action.messageName}' any more`);
    step.leading.push({ type: 'message.correlated', actor: action.actor, data: { messageName: action.messageName, executionId: action.executionId, variables: action.variables } });
    await run.signal(action.executionId, action.variables);
    return 'go';
  },
};
