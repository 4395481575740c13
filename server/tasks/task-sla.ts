import type { TaskRecord } from './task.js';

export type SlaState = 'on-time' | 'at-risk' | 'breached';

/**
 * Where a task stands against its SLA at `now`: breached past its deadline, at risk past its
 * warning, otherwise on time. A closed task is judged by when it closed. Null without an SLA.
 */
export function slaState(task: Pick<TaskRecord, 'dueAt' | 'warnAt' | 'endedAt'>, now: Date): SlaState | null {
  if (!task.dueAt && !task.warnAt) return null;
  const at = task.endedAt ? new Date(task.endedAt).getTime() : now.getTime();
  if (task.dueAt && at >= new Date(task.dueAt).getTime()) return 'breached';
  if (task.warnAt && at >= new Date(task.warnAt).getTime()) return 'at-risk';
  return 'on-time';
}

/** A task as the API shows it: with its SLA state at the time of asking. */
export type TaskView = TaskRecord & { sla: SlaState | null };

export function taskView(task: TaskRecord, now: Date): TaskView {
  return { ...task, sla: slaState(task, now) };
}
