/**
 * A task's SLA in colour class and in words ("breached 2 h ago", "at risk, due in 40 min"). The
 * state uses the server's own rule (tasks/task-sla.ts), so the page and the API never disagree
 * about when a task turns late; the page recomputes it as time passes, without asking the server.
 */
import { slaState, type SlaState } from '../../../server/tasks/task-sla.js';

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

export function slaText(task: { dueAt: string | null; warnAt: string | null }, now: Date): SlaText {
  const state = slaState({ ...task, endedAt: null }, now);
  if (!state) return { state: 'none', text: 'no SLA' };
  const due = task.dueAt ? new Date(task.dueAt).getTime() - now.getTime() : null;
  if (state === 'breached') return { state, text: `breached ${spokenDuration(due ?? 0)} ago` };
  const label = state === 'at-risk' ? 'at risk' : 'on time';
  return { state, text: due === null ? label : `${label}, due in ${spokenDuration(due)}` };
}
