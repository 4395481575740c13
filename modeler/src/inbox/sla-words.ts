/**
 * A task's SLA in colour class and in words ("breached 2 h ago", "at risk, due in 40 min"). The
 * state uses the server's own rule (tasks/task-sla.ts), so the page and the API never disagree
 * about when a task turns late; the page recomputes it as time passes, without asking the server.
 */
import type { WorkingTime } from '../../../server/calendars/business-time.js';
import { workingDuration, dueMoment } from '../../../server/calendars/working-words.js';
import { slaState, type SlaState } from '../../../server/tasks/task-sla.js';

/**
 * The calendar a department's SLAs count in (issue 16), set once the page has read the calendars:
 * a task in such a department says its due time in working time and as a moment on the clock.
 */
let workingCalendarOf: (department: string | null) => WorkingTime | null = () => null;

export function setWorkingCalendars(lookup: (department: string | null) => WorkingTime | null): void {
  workingCalendarOf = lookup;
}

export interface SlaText {
  state: SlaState | 'none';
  text: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration as people say it: "less than a minute", "40 min", "3 h 20 min", "2 d 4 h". */
export function spokenDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'less than a minute';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

export function slaText(task: { dueAt: string | null; warnAt: string | null; department?: string | null }, now: Date): SlaText {
  const state = slaState({ ...task, endedAt: null }, now);
  if (!state) return { state: 'none', text: 'no SLA' };
  const calendar = task.dueAt ? workingCalendarOf(task.department ?? null) : null;
  if (calendar && task.dueAt) {
    // "due in 3 h working time (Mon 10:00)": the count the timers use, and when that is on the clock.
    const dueAt = new Date(task.dueAt);
    const left = calendar.between(now, dueAt);
    const at = dueMoment(dueAt, now);
    if (state === 'breached') return { state, text: `breached ${workingDuration(left)} working time ago (${at})` };
    return { state, text: `${state === 'at-risk' ? 'at risk' : 'on time'}, due in ${workingDuration(left)} working time (${at})` };
  }
  const due = task.dueAt ? new Date(task.dueAt).getTime() - now.getTime() : null;
  if (state === 'breached') return { state, text: `breached ${spokenDuration(due ?? 0)} ago` };
  const label = state === 'at-risk' ? 'at risk' : 'on time';
  return { state, text: due === null ? label : `${label}, due in ${spokenDuration(due)}` };
}
