import type { ActionHandler, ActionOf } from './action.js';

/** An operator cancels the ticket. */
export const cancel: ActionHandler<ActionOf<'cancel'>> = {
  async apply(action, run, step) {
    step.leading.push({ type: 'instance.cancelled', actor: action.actor, data: { reason: action.reason, intervention: true } });
    await run.cancel();
    return 'go';
  },
};
