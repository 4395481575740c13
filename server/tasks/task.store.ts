import type { TaskFilter, TaskRecord } from './task.js';

/** Tasks are written only as part of a step (Store.commitStep); this port reads them. */
export interface TaskStore {
  get(id: string): Promise<TaskRecord | null>;
  /** Oldest first, so a queue is worked in arrival order. */
  list(filter: TaskFilter): Promise<TaskRecord[]>;
}
