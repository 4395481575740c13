import { slaState } from '../tasks/task-sla.js';
import type { TaskRecord } from '../tasks/task.js';
import type { LiveTask, TaskChange } from './live-events.js';
import { rooms } from './live-events.js';

export function liveTask(task: TaskRecord, now: Date): LiveTask {
  return {
    id: task.id,
    instanceId: task.instanceId,
    ticketNumber: task.ticketNumber,
    processKey: task.processKey,
    elementId: task.elementId,
    name: task.name,
    status: task.status,
    department: task.department,
    assignee: task.assignee,
    priority: task.priority,
    dueAt: task.dueAt,
    warnAt: task.warnAt,
    sla: slaState(task, now),
    formKey: task.formKey,
    createdAt: task.createdAt,
    version: task.version,
  };
}

/** The rooms whose members may see a task held by this department and assignee. */
export function roomsOf(holder: { department: string | null; assignee: string | null }): string[] {
  const names: string[] = [rooms.all];
  if (holder.department) names.push(rooms.department(holder.department));
  if (holder.assignee) names.push(rooms.user(holder.assignee));
  return names;
}

/** What the last entry of the owner chain says happened. */
export function changeOf(task: TaskRecord): TaskChange {
  const action = task.history.at(-1)?.action;
  switch (action) {
    case 'claimed':
    case 'released':
    case 'passed-up':
    case 'handed-over':
    case 'escalated':
      return action;
    default:
      return 'changed';
  }
}

/** Who held the task before its last change (for the rooms that lose sight of it). */
export function previousHolder(task: TaskRecord): { department: string | null; assignee: string | null } | null {
  const previous = task.history.at(-2);
  return previous ? { department: previous.department, assignee: previous.assignee } : null;
}
