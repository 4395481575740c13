import type { AuditEventInput } from '../audit/audit-event.js';
import { routeTimerClocks, taskDueDuration } from '../calendars/runner-calendars.js';
import type { CalendarSnapshot } from '../calendars/calendar-directory.js';
import type { ElementApi } from '../engine/engine-types.js';
import type { StepEvent, TimerInfo } from '../engine/step-run.js';
import type { TaskEscalation, TaskRecord } from '../tasks/task.js';
import { cancelTask, completeTask } from '../tasks/task-records.js';
import type { StepAction } from './step-action.js';

/** Element types that wait as a person's task. */
export const TASK_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);

export interface TaskProjectionInput {
  /** What waits after the step. */
  waiting: ElementApi[];
  variables: Record<string, unknown>;
  /** The step's pending timers (copies: a routed task's department timers are counted again here). */
  timers: TimerInfo[];
  /** The step's own events (copies: their `timer.scheduled` due times follow the routing). */
  stepAudit: StepEvent[];
  fired: TimerInfo[];
  openTasks: TaskRecord[];
  /** The tasks the step opens, routed before projection (executionId →). */
  routed: ReadonlyMap<string, TaskRecord>;
  action: StepAction | undefined;
  calendars: CalendarSnapshot;
  processCalendar: string | null;
  now: Date;
}

/** Tasks: open what newly waits, close what stopped waiting; with the audit events that say so. */
export function projectTasks(input: TaskProjectionInput): { tasks: TaskRecord[]; opened: TaskRecord[]; audit: AuditEventInput[] } {
  const { action, now } = input;
  const at = now.toISOString();
  const waitingIds = new Set(input.waiting.map((api) => api.executionId));
  const tasks: TaskRecord[] = [];
  const opened: TaskRecord[] = [];
  const audit: AuditEventInput[] = [];
  for (const task of input.openTasks) {
    if (waitingIds.has(task.id)) continue;
    if (action?.kind === 'complete-task' && action.taskId === task.id) {
      tasks.push(completeTask(task, action.actor, action.output, at));
    } else {
      tasks.push(cancelTask(task, at));
      audit.push({ type: 'task.cancelled', actor: 'system', elementId: task.elementId, data: { taskId: task.id } });
    }
  }
  const known = new Set(input.openTasks.map((task) => task.id));
  const escalation = escalationOf(input.fired, tasks, at);
  for (const api of input.waiting) {
    if (!TASK_TYPES.has(api.type) || known.has(api.executionId)) continue;
    const routed = input.routed.get(api.executionId);
    if (!routed) throw new Error(`Task ${api.executionId} was not routed before the step was projected`);
    // Now that the task has its department: its `baton:calendar="department"` timers and a camunda:dueDate duration count in that department's calendar.
    routeTimerClocks(input.timers, routed, input.stepAudit, input.calendars, input.processCalendar);
    const dueDuration = taskDueDuration(api, input.variables);
    const counted = dueDuration ? { ...routed, dueAt: dueDuration(input.calendars, input.processCalendar, routed.department, now) } : routed;
    let task = withSla(counted, input.timers, escalation);
    if (action?.kind === 'pass-up' && task.escalatedFrom) task = passedUpBy(task, action.actor, action.reason);
    tasks.push(task);
    opened.push(task);
    if (task.escalatedFrom && action?.kind !== 'pass-up') {
      audit.push({ type: 'task.escalated', actor: 'timer', elementId: task.elementId, data: { ...task.escalatedFrom, toTaskId: task.id } });
    }
    audit.push({
      type: 'task.created',
      actor: 'system',
      elementId: task.elementId,
      data: { taskId: task.id, department: task.department, assignee: task.assignee, candidateGroups: task.candidateGroups, dueAt: task.dueAt, routing: task.routingReason },
    });
  }
  return { tasks, opened, audit };
}

/** SLA of a task as it opens, from the boundary timers armed with it. */
function withSla(task: TaskRecord, timers: TimerInfo[], escalatedFrom: TaskEscalation | null): TaskRecord {
  const own = timers.filter((timer) => timer.attachedTo === task.elementId);
  const earliest = (list: TimerInfo[]) => list.reduce<Date | null>((min, timer) => (min === null || timer.dueAt < min ? timer.dueAt : min), null)?.toISOString() ?? null;
  return {
    ...task,
    dueAt: earliest(own.filter((timer) => timer.interrupting)) ?? task.dueAt,
    warnAt: earliest(own.filter((timer) => !timer.interrupting)),
    escalatedFrom,
    // The owner chain of an escalated task starts with the escalation, by the timer.
    history: escalatedFrom ? task.history.map((entry, index) => (index === 0 ? { ...entry, action: 'escalated' as const, by: 'timer' } : entry)) : task.history,
  };
}

/** An interrupting boundary timer that took a task away in this step: what the next task escalates from. */
function escalationOf(fired: TimerInfo[], closed: TaskRecord[], at: string): TaskEscalation | null {
  for (const timer of fired) {
    if (!timer.interrupting || timer.attachedTo === null) continue;
    const from = closed.find((task) => task.elementId === timer.attachedTo && task.status === 'cancelled');
    if (from) return { taskId: from.id, elementId: from.elementId, timerElementId: timer.elementId, at };
  }
  return null;
}

/** The next level's task opened by a person's pass-up: its owner chain starts with them and their reason, not the timer. */
function passedUpBy(task: TaskRecord, actor: string, reason: string): TaskRecord {
  return { ...task, history: task.history.map((entry, index) => (index === 0 ? { ...entry, action: 'passed-up' as const, by: actor, reason } : entry)) };
}
