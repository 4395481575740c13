import type { TaskRecord } from './task.js';

/** What the runner knows of a task as it opens; the rest of the record starts empty. */
export type OpenTaskInput = Omit<TaskRecord, 'status' | 'department' | 'warnAt' | 'escalatedFrom' | 'endedAt' | 'completedBy' | 'output'> & {
  laneName: string | null;
};

/** A task as it opens: routed to its first candidate group, else to its lane. */
export function openTask(input: OpenTaskInput): TaskRecord {
  const { laneName, ...rest } = input;
  return {
    ...rest,
    status: 'open',
    warnAt: null,
    escalatedFrom: null,
    department: input.candidateGroups[0] ?? laneName ?? null,
    endedAt: null,
    completedBy: null,
    output: null,
  };
}

export function completeTask(task: TaskRecord, by: string, output: Record<string, unknown>, at: string): TaskRecord {
  return { ...task, status: 'completed', completedBy: by, output, endedAt: at };
}

export function cancelTask(task: TaskRecord, at: string): TaskRecord {
  return { ...task, status: 'cancelled', endedAt: at };
}
