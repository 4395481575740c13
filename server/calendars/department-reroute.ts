import type { AuditEventInput } from '../audit/audit-event.js';
import type { Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { CalendarDirectory } from './calendar-directory.js';
import { DEPARTMENT_CALENDAR, dueOf, moveClock, PAUSED_DUE } from './timer-clock.js';

/** What a task moved to another department changes beside the task: its timers and why. */
export interface RerouteChange {
  task: TaskRecord;
  timers?: TimerRecord[];
  audit: AuditEventInput[];
}

/**
 * A task passed up or handed over to another department: its timers counting in "the department's
 * calendar" go on counting in the new department's calendar (what was counted so far stays
 * counted); the task's due and warning times move with them. A department without a calendar keeps
 * the count where it was.
 */
export function departmentReroute(store: Pick<Store, 'timers'>, directory: CalendarDirectory) {
  return async (task: TaskRecord, at: string): Promise<RerouteChange> => {
    const [pending, calendars] = await Promise.all([store.timers.forInstance(task.instanceId), directory.snapshot()]);
    const now = new Date(at);
    const target = calendars.departmentCalendar(task.department);
    const audit: AuditEventInput[] = [];
    const moves = new Map<string, string>();
    const timers = pending.map((timer) => {
      const clock = timer.clock;
      if (!clock || clock.calendar !== DEPARTMENT_CALENDAR || clock.taskId !== task.id || target === null || target === clock.calendarId) return timer;
      const next = moveClock(clock, target, now, calendars);
      const dueAt = next.from === null ? PAUSED_DUE : (dueOf(next, calendars) ?? new Date(timer.dueAt)).toISOString();
      moves.set(timer.dueAt, dueAt);
      audit.push({
        type: 'timer.moved',
        actor: 'system',
        elementId: timer.elementId,
        data: { timerId: timer.id, from: timer.dueAt, to: dueAt, reason: `task moved to department ${task.department}: calendar ${target}` },
      });
      return { ...timer, clock: next, dueAt };
    });
    if (audit.length === 0) return { task, audit };
    const dueAt = task.dueAt === null ? null : (moves.get(task.dueAt) ?? task.dueAt);
    const warnAt = task.warnAt === null ? null : (moves.get(task.warnAt) ?? task.warnAt);
    return { task: { ...task, dueAt, warnAt }, timers, audit };
  };
}
