import { waitingTask, type ActionHandler, type ActionOf } from './action.js';

/** A person ends a user task with a BPMN error, caught by the task's boundary events. */
export const taskError: ActionHandler<ActionOf<'task-error'>> = {
  async apply(action, run, step) {
    const task = waitingTask(run, step, action.taskId);
    step.leading.push({ type: 'task.bpmn-error', actor: action.actor, elementId: task?.elementId ?? null, data: { taskId: action.taskId, errorCode: action.errorCode, reason: action.reason } });
    await run.throwTaskError(action.taskId, action.errorCode, action.reason);
    return 'go';
  },
};

/** A person raises an escalation caught by an escalation boundary event on the task. */
export const taskEscalation: ActionHandler<ActionOf<'task-escalation'>> = {
  async apply(action, run, step) {
    const task = step.openTasks.find((candidate) => candidate.id === action.taskId);
    step.leading.push({
      type: 'task.escalation',
      actor: action.actor,
      elementId: task?.elementId ?? null,
      data: { taskId: action.taskId, escalationCode: action.escalationCode, boundaryId: action.boundaryId, reason: action.reason },
    });
    await run.escalateTask(action.taskId, action.boundaryId, action.escalationId);
    return 'go';
  },
};
