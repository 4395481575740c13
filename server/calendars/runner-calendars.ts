import { ISOInterval } from '@0dep/piso';
import type { SerializableContext } from 'moddle-context-serializer';

import type { AuditStore } from '../audit/audit.store.js';
import { CUSTOMER_ACTOR, CUSTOMER_DEPARTMENT } from '../customer/customer-department.js';
import type { ElementApi } from '../engine/engine-types.js';
import type { InstanceRecord } from '../instances/instance.js';
import type { TimerRecord } from '../timers/timer.js';
import { pauseSla, pauseState, resumeSla, type SlaChange } from './sla-pause.js';
import type { StepEvent, TimerInfo } from '../engine/step-run.js';
import type { TimerClocks } from '../engine/step-timers.js';
import { camundaProperties, resolveUserTask, type UserTaskBehaviour } from '../engine/user-task-attributes.js';
import type { TaskRecord } from '../tasks/task.js';
import type { CalendarSnapshot } from './calendar-directory.js';
import { DEPARTMENT_CALENDAR, dueOf, resolveCalendar, startClock } from './timer-clock.js';

/**
 * What the instance runner needs of calendars, kept here so the runner only calls in: the process's
 * default calendar, business time for new duration timers, and the department's calendar once a
 * task is routed.
 */

/** The process property `calendar` (the default calendar of the process's timers and due dates). */
export function processCalendarOf(source: SerializableContext): string | null {
  for (const process of source.getProcesses()) {
    const calendar = camundaProperties((process.behaviour ?? {}) as UserTaskBehaviour)['calendar']?.trim();
    if (calendar) return calendar;
  }
  return null;
}

/** Business time for the step's new duration timers. `department` is provisional until the task is routed (routeTimerClocks). */
export function businessTimers(calendars: CalendarSnapshot, processCalendar: string | null): TimerClocks {
  return (owner, now, wallDue) => {
    const named = owner.calendar?.trim() || processCalendar;
    const calendarId = resolveCalendar(named, processCalendar, null, calendars);
    const clock = startClock(named, calendarId, now, wallDue.getTime() - now.getTime());
    return { dueAt: dueOf(clock, calendars) ?? wallDue, clock };
  };
}

/**
 * A task was routed: its new boundary timers counting in the department's calendar are counted
 * again in the calendar of the department it went to, and their `timer.scheduled` events say so.
 */
export function routeTimerClocks(timers: TimerInfo[], task: TaskRecord, audit: StepEvent[], calendars: CalendarSnapshot, processCalendar: string | null): void {
  for (const timer of timers) {
    if (timer.attachedTo !== task.elementId || timer.clock?.calendar !== DEPARTMENT_CALENDAR) continue;
    const calendarId = resolveCalendar(DEPARTMENT_CALENDAR, processCalendar, task.department, calendars);
    const unchanged = calendarId === timer.clock.calendarId;
    timer.clock = { ...timer.clock, calendarId, taskId: task.id };
    if (unchanged) continue;
    timer.dueAt = dueOf(timer.clock, calendars) ?? timer.dueAt;
    const scheduled = audit.find((event) => event.type === 'timer.scheduled' && event.data['executionId'] === timer.executionId);
    if (scheduled) scheduled.data = { ...scheduled.data, dueAt: timer.dueAt.toISOString(), calendar: calendarId };
  }
}

/**
 * A task's `camunda:dueDate` given as a duration: due that much working time of its department's
 * calendar (else the process's) after it opens; null when the due date is not a duration.
 */
export function taskDueDuration(
  api: ElementApi,
  variables: Record<string, unknown>,
): ((calendars: CalendarSnapshot, processCalendar: string | null, department: string | null, now: Date) => string) | null {
  let duration: string | null;
  try {
    duration = resolveUserTask(api.owner.behaviour as UserTaskBehaviour, { ...variables, ...api.environment.variables }).dueDuration;
  } catch {
    return null;
  }
  if (!duration) return null;
  const value = duration;
  return (calendars, processCalendar, department, now) => {
    const wallMs = new ISOInterval(value).parse().getExpireAt(now, now).getTime() - now.getTime();
    const calendarId = resolveCalendar(DEPARTMENT_CALENDAR, processCalendar, department, calendars);
    return (dueOf(startClock(DEPARTMENT_CALENDAR, calendarId, now, wallMs), calendars) ?? new Date(now.getTime() + wallMs)).toISOString();
  };
}

/**
 * A step that opens the first task for the customer stops the ticket's SLA clocks; the one that
 * closes the last starts them again (the customer answered on the status page). Null: no change.
 */
export async function customerWait(input: {
  audit: AuditStore;
  instance: InstanceRecord;
  /** Open tasks before the step. */
  before: TaskRecord[];
  /** Tasks the step opened or closed. */
  changed: TaskRecord[];
  timers: TimerRecord[];
  calendars: CalendarSnapshot;
  now: Date;
}): Promise<SlaChange | null> {
  const changed = new Set(input.changed.map((task) => task.id));
  const openAfter = [...input.before.filter((task) => !changed.has(task.id)), ...input.changed.filter((task) => task.status === 'open')];
  const waitingBefore = input.before.some((task) => task.department === CUSTOMER_DEPARTMENT);
  const customerTask = openAfter.find((task) => task.department === CUSTOMER_DEPARTMENT);
  if (waitingBefore === (customerTask !== undefined)) return null;
  const state = await pauseState(input.audit, input.instance.id);
  const common = { timers: input.timers, calendars: input.calendars, now: input.now };
  if (customerTask && !state.paused) {
    const staffTasks = openAfter.filter((task) => task.department !== CUSTOMER_DEPARTMENT);
    return pauseSla({ ...common, openTasks: staffTasks, actor: 'system', reason: 'waiting on the customer', taskId: customerTask.id, elementId: customerTask.elementId });
  }
  if (!customerTask && state.paused) {
    return resumeSla({ ...common, openTasks: openAfter, actor: CUSTOMER_ACTOR, reason: 'the customer answered', state, elementId: null });
  }
  return null;
}

/** The due time a timer's clock gives now, when that is later than `now` and than its saved due time; else null. */
export function laterByClock(timer: TimerRecord, calendars: CalendarSnapshot, now: Date): Date | null {
  if (!timer.clock || timer.clock.from === null || timer.clock.calendarId === null) return null;
  const due = dueOf(timer.clock, calendars);
  return due && due.getTime() > now.getTime() && due.getTime() > Date.parse(timer.dueAt) ? due : null;
}
