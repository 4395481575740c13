import type { ActionHandler, ActionOf } from './action.js';

/** An event added to the instance's log without moving it (a child instance notes the call that started it). */
export const annotate: ActionHandler<ActionOf<'annotate'>> = {
  async apply(action, _run, step) {
    step.leading.push(action.event);
    return 'go';
  },
};
