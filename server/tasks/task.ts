import type { TaskFilter, TaskStatus } from '../contracts/tasks.js';

export type { TaskFilter, TaskStatus };

/** Where an escalated task came from: the task a timer took away, and when. */
export interface TaskEscalation {
  taskId: string;
  elementId: string;
  /** The interrupting boundary timer that fired. */
  timerElementId: string;
  at: string;
}

/** One change of who holds a task: the owner chain, oldest first. */
export interface TaskHistoryEntry {
  action: 'routed' | 'claimed' | 'released' | 'passed-up' | 'handed-over' | 'escalated' | 'completed' | 'cancelled';
  at: string;
  /** Who did it: a username, `system` or `timer`. */
  by: string;
  department: string | null;
  assignee: string | null;
  reason: string | null;
}

/**
 * A field of the task's form (camunda:formData, or the keyed fields of a form-js form embedded in
 * the process): what completion must carry. `number` allows decimals (form-js), `long` does not.
 */
export interface TaskFormField {
  id: string;
  label: string | null;
  type: 'string' | 'long' | 'number' | 'boolean' | 'date' | 'enum';
  required: boolean;
  /** For `enum`: the allowed values. */
  values: string[];
  /** A required checkbox (a checklist item): only `true` completes the form. */
  mustBeChecked?: boolean;
  /** The diagram's default (camunda:formField defaultValue, camunda:formProperty default): prefilled, and used when a completion leaves the field out. */
  defaultValue?: string | number | boolean;
}

/** A user task as people see it. Keyed by the engine's activity executionId (stable across recover). */
export interface TaskRecord {
  id: string;
  instanceId: string;
  ticketNumber: string;
  processKey: string;
  definitionVersion: number;
  elementId: string;
  name: string;
  status: TaskStatus;
  /** Department the task is routed to: first candidate group, else the lane name. */
  department: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  priority: number | null;
  /** SLA deadline: the earliest interrupting boundary timer, else camunda:dueDate. */
  dueAt: string | null;
  /** SLA warning: the earliest non-interrupting boundary timer. */
  warnAt: string | null;
  escalatedFrom: TaskEscalation | null;
  formKey: string | null;
  createdAt: string;
  endedAt: string | null;
  completedBy: string | null;
  output: Record<string, unknown> | null;
  /** 1 when opened, +1 on every change; a task action naming an older version is refused (409). */
  version: number;
  /** Every owner the task had and why, oldest first. */
  history: TaskHistoryEntry[];
  /** Why the task went to its department / assignee (the routing rule and its choice). */
  routingReason: string | null;
  /** Fields the completion is validated against; null: no form known, any object is accepted. */
  form: TaskFormField[] | null;
}
