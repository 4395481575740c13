import type { TaskFilter, TaskRecord } from './task.js';

/** What narrows a staff member's inbox: one instance or one process, and the page. */
export type InboxFilter = Pick<TaskFilter, 'instanceId' | 'processKey' | 'limit' | 'offset'>;

/** Tasks are written only as part of a step (Store.commitStep); this port reads them. */
export interface TaskStore {
  get(id: string): Promise<TaskRecord | null>;
  /** Oldest first, so a queue is worked in arrival order. */
  list(filter: TaskFilter): Promise<TaskRecord[]>;
  /** Open tasks of any of these departments or assigned to this user (a staff member's inbox), oldest first. */
  inbox(departments: string[], assignee: string, filter: InboxFilter): Promise<TaskRecord[]>;
  /** Open tasks whose department is not set or names no department, oldest first (the admins' queue); tasks waiting on the customer are not unrouted. */
  unrouted(filter: Pick<TaskFilter, 'limit' | 'offset'>): Promise<TaskRecord[]>;
  /** Per user: open tasks assigned and when a task was last assigned (routing rules). Users without tasks are left out. */
  assignmentStats(usernames: string[]): Promise<{ username: string; open: number; lastAssignedAt: string | null }[]>;
}
