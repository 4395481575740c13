import { assertOpenTask, waitingTask, type ActionHandler, type ActionOf } from './action.js';

/** A person completes a task with its output. */
export const completeTask: ActionHandler<ActionOf<'complete-task'>> = {
  check(action, step) {
    assertOpenTask(step, action.taskId, action.taskVersion);
    return 'go';
  },
  async apply(action, run, step) {
    const task = waitingTask(run, step, action.taskId);
    step.leading.push({ type: 'task.completed', actor: action.actor, elementId: task?.elementId ?? null, data: { taskId: action.taskId, output: action.output } });
    await run.signal(action.taskId, action.output);
    return 'go';
  },
};
