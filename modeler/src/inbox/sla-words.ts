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

/** Units of a spoken duration; English unless a page passes its language's. */
export interface DurationUnits {
  lessThanMinute: string;
  min: string;
  h: string;
  d: string;
}

const ENGLISH_UNITS: DurationUnits = { lessThanMinute: 'less than a minute', min: 'min', h: 'h', d: 'd' };

/** A duration as people say it: "less than a minute", "40 min", "3 h 20 min", "2 d 4 h". */
export function spokenDuration(ms: number, units: DurationUnits = ENGLISH_UNITS): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return units.lessThanMinute;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} ${units.min}`;
  if (abs < DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return minutes ? `${hours} ${units.h} ${minutes} ${units.min}` : `${hours} ${units.h}`;
  }
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  return hours ? `${days} ${units.d} ${hours} ${units.h}` : `${days} ${units.d}`;
}

/** Words for the SLA: English by default; pages pass their catalog's `inbox:sla.*` (durations stay as numbers with units). */
export type SlaWords = ((key: 'none' | 'breached' | 'atRisk' | 'onTime' | 'dueIn', vars?: Record<string, string>) => string) & { units?: DurationUnits };

const ENGLISH: SlaWords = (key, vars = {}) => {
  switch (key) {
    case 'none':
      return 'no SLA';
    case 'breached':
      return `breached ${vars['duration']} ago`;
    case 'atRisk':
      return 'at risk';
    case 'onTime':
      return 'on time';
    case 'dueIn':
      return `${vars['label']}, due in ${vars['duration']}`;
  }
};

export function slaText(task: { dueAt: string | null; warnAt: string | null; department?: string | null }, now: Date, words: SlaWords = ENGLISH): SlaText {
  const state = slaState({ ...task, endedAt: null }, now);
  if (!state) return { state: 'none', text: words('none') };
  const calendar = task.dueAt ? workingCalendarOf(task.department ?? null) : null;
  if (calendar && task.dueAt) {
    // "due in 3 h working time (Mon 10:00)": the count the timers use, and when that is on the clock.
    const dueAt = new Date(task.dueAt);
    const left = calendar.between(now, dueAt);
    const at = dueMoment(dueAt, now);
    const label = words(state === 'at-risk' ? 'atRisk' : 'onTime');
    if (state === 'breached') return { state, text: words('breached', { duration: `${workingDuration(left)} working time` }) + ` (${at})` };
    return { state, text: `${words('dueIn', { label, duration: `${workingDuration(left)} working time` })} (${at})` };
  }
  const due = task.dueAt ? new Date(task.dueAt).getTime() - now.getTime() : null;
  if (state === 'breached') return { state, text: words('breached', { duration: spokenDuration(due ?? 0, words.units) }) };
  const label = words(state === 'at-risk' ? 'atRisk' : 'onTime');
  return { state, text: due === null ? label : words('dueIn', { label, duration: spokenDuration(due, words.units) }) };
}
