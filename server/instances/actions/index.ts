import type { StepAction } from '../step-action.js';
import type { ActionHandler, ActionOf } from './action.js';
import { annotate } from './annotate.js';
import { cancel } from './cancel.js';
import { completeTask } from './complete-task.js';
import { externalComplete, externalError, externalFailure, externalLinked } from './external.js';
import { message } from './message.js';
import { passUp } from './pass-up.js';
import { retry } from './retry.js';
import { taskError, taskEscalation } from './task-error.js';
import { rescheduleTimer, timer } from './timer.js';

const HANDLERS: { [K in StepAction['kind']]: ActionHandler<ActionOf<K>> } = {
  'complete-task': completeTask,
  timer,
  'reschedule-timer': rescheduleTimer,
  message,
  cancel,
  retry,
  'external-complete': externalComplete,
  'external-error': externalError,
  'external-failure': externalFailure,
  'external-linked': externalLinked,
  annotate,
  'task-error': taskError,
  'task-escalation': taskEscalation,
  'pass-up': passUp,
};

/** The handler of an action's kind (one module per kind, in this folder). */
export function handlerOf<A extends StepAction>(action: A): ActionHandler<A> {
  // The mapped type pairs each kind with its handler; TypeScript cannot follow that through the generic.
  return HANDLERS[action.kind] as unknown as ActionHandler<A>;
}
