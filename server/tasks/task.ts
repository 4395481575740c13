export type TaskStatus = 'open' | 'completed' | 'cancelled';

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
  dueAt: string | null;
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
