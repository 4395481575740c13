import type { TimerClock } from '../timers/timer.js';
import type { CalendarSnapshot } from './calendar-directory.js';

/** The value of `baton:calendar` that means "the calendar of the department holding the task". */
export const DEPARTMENT_CALENDAR = 'department';

/**
 * The calendar a timer or due date counts in: the one it names, else the process's default; for
 * `department`, the department's calendar, else the process's default. Null: wall time (also for
 * a calendar deleted since deploy: a timer must still fall due).
 */
export function resolveCalendar(named: string | null, processDefault: string | null, department: string | null, calendars: CalendarSnapshot): string | null {
  const wanted = named ?? processDefault;
  const id = wanted === DEPARTMENT_CALENDAR ? (calendars.departmentCalendar(department) ?? (processDefault === DEPARTMENT_CALENDAR ? null : processDefault)) : wanted;
  return id !== null && calendars.workingTime(id) ? id : null;
}

/** When a clock falls due: `from` plus what remains, counted in its calendar (wall time without one). */
export function dueOf(clock: TimerClock, calendars: CalendarSnapshot): Date | null {
  if (clock.from === null) return null;
  const from = new Date(clock.from);
  const calendar = clock.calendarId === null ? null : calendars.workingTime(clock.calendarId);
  return calendar ? calendar.add(from, clock.remainingMs) : new Date(from.getTime() + clock.remainingMs);
}

/** A clock that starts counting `ms` now. */
export function startClock(named: string | null, calendarId: string | null, from: Date, ms: number): TimerClock {
  return { calendar: named, calendarId, remainingMs: Math.max(0, ms), from: from.toISOString() };
}

/** Stops a clock at `at`: what was counted since `from` is taken off what remains. */
export function pauseClock(clock: TimerClock, at: Date, calendars: CalendarSnapshot): TimerClock {
  if (clock.from === null) return clock;
  const from = new Date(clock.from);
  const calendar = clock.calendarId === null ? null : calendars.workingTime(clock.calendarId);
  const counted = calendar ? calendar.between(from, at) : at.getTime() - from.getTime();
  return { ...clock, remainingMs: Math.max(0, clock.remainingMs - Math.max(0, counted)), from: null };
}

/** Starts a paused clock again at `at`. */
export function resumeClock(clock: TimerClock, at: Date): TimerClock {
  return clock.from === null ? { ...clock, from: at.toISOString() } : clock;
}

/** The same count in another calendar (the task moved to a department working other hours). */
export function moveClock(clock: TimerClock, calendarId: string | null, at: Date, calendars: CalendarSnapshot): TimerClock {
  if (clock.calendarId === calendarId) return clock;
  const paused = pauseClock(clock, at, calendars);
  return { ...paused, calendarId, from: clock.from === null ? null : at.toISOString() };
}

/** Where paused timers wait: never due until their clock resumes. */
export const PAUSED_DUE = '9999-12-31T23:59:59.999Z';
