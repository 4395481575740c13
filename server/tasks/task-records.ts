import type { TaskFormField, TaskHistoryEntry, TaskRecord } from './task.js';

/** What the runner knows of a task as it opens, with where routing sent it; the rest starts empty. */
export type OpenTaskInput = Omit<TaskRecord, 'status' | 'warnAt' | 'escalatedFrom' | 'endedAt' | 'completedBy' | 'output' | 'version' | 'history' | 'form'> & { form: TaskFormField[] | null };

/** A task as it opens, version 1, its owner chain starting with the routing decision. */
export function openTask(input: OpenTaskInput): TaskRecord {
  return {
    ...input,
    status: 'open',
    warnAt: null,
    escalatedFrom: null,
    endedAt: null,
    completedBy: null,
    output: null,
    version: 1,
    history: [{ action: 'routed', at: input.createdAt, by: 'system', department: input.department, assignee: input.assignee, reason: input.routingReason }],
  };
}

/** The next version of a task with one more entry in its owner chain. */
export function changeTask(task: TaskRecord, change: Partial<TaskRecord>, entry: Omit<TaskHistoryEntry, 'department' | 'assignee'>): TaskRecord {
  const next = { ...task, ...change, version: task.version + 1 };
  return { ...next, history: [...task.history, { ...entry, department: next.department, assignee: next.assignee }] };
}

export function completeTask(task: TaskRecord, by: string, output: Record<string, unknown>, at: string): TaskRecord {
  return changeTask(task, { status: 'completed', completedBy: by, output, endedAt: at }, { action: 'completed', at, by, reason: null });
}

export function cancelTask(task: TaskRecord, at: string): TaskRecord {
  return changeTask(task, { status: 'cancelled', endedAt: at }, { action: 'cancelled', at, by: 'system', reason: null });
}
