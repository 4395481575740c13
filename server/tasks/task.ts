export type TaskStatus = 'open' | 'completed' | 'cancelled';

/** Where an escalated task came from: the task a timer took away, and when. */
export interface TaskEscalation {
  taskId: string;
  elementId: string;
  /** The interrupting boundary timer that fired. */
  timerElementId: string;
  at: string;
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
}

export interface TaskFilter {
  status?: TaskStatus;
  instanceId?: string;
  department?: string;
  assignee?: string;
  processKey?: string;
  limit?: number;
  offset?: number;
}
