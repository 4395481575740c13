import type { AuditEventInput } from '../audit/audit-event.js';
import type { AuditStore } from '../audit/audit.store.js';
import { ConflictError } from '../errors.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { CalendarSnapshot } from './calendar-directory.js';
import { DEPARTMENT_CALENDAR, dueOf, pauseClock, PAUSED_DUE, resolveCalendar, resumeClock } from './timer-clock.js';

/**
 * The SLA clock of a ticket stops while it waits on the customer (issue 16): pending duration
 * timers stop counting (their due time becomes "never" until resume) and the open tasks' due and
 * warning times are put aside; on resume both move by the time paused. The pause and resume are
 * audit events in the same step as the moves (`sla.paused`, `sla.resumed`, one `timer.moved` per
 * timer), and the pause event holds what the resume needs, so nothing else is stored.
 */

/** What a paused task's SLA still had to run, counted in its calendar (null: wall time). */
export interface PausedTaskSla {
  taskId: string;
  calendarId: string | null;
  dueRemainingMs: number | null;
  warnRemainingMs: number | null;
}

export interface SlaPauseState {
  paused: boolean;
  /** The `sla.paused` event data and time when paused. */
  since: string | null;
  tasks: PausedTaskSla[];
  reason: string | null;
}

/** The instance's pause state: its last `sla.paused` or `sla.resumed` event. */
export async function pauseState(audit: AuditStore, instanceId: string): Promise<SlaPauseState> {
  const events = await audit.forInstance(instanceId);
  for (const event of [...events].reverse()) {
    if (event.type === 'sla.resumed') break;
    if (event.type === 'sla.paused') {
      const tasks = Array.isArray(event.data['tasks']) ? (event.data['tasks'] as PausedTaskSla[]) : [];
      return { paused: true, since: event.at, tasks, reason: typeof event.data['reason'] === 'string' ? event.data['reason'] : null };
    }
  }
  return { paused: false, since: null, tasks: [], reason: null };
}

export interface SlaChange {
  tasks: TaskRecord[];
  timers: TimerRecord[];
  audit: AuditEventInput[];
}

/** Stops the clocks at `now`. */
export function pauseSla(input: {
  openTasks: TaskRecord[];
  timers: TimerRecord[];
  calendars: CalendarSnapshot;
  now: Date;
  actor: string;
  reason: string;
  taskId: string | null;
  elementId: string | null;
}): SlaChange {
  const { calendars, now } = input;
  const audit: AuditEventInput[] = [];
  const moved: AuditEventInput[] = [];
  const timers = input.timers.map((timer) => {
    if (!timer.clock || timer.clock.from === null) return timer;
    moved.push({ type: 'timer.moved', actor: input.actor, elementId: timer.elementId, data: { timerId: timer.id, from: timer.dueAt, to: null, reason: 'sla paused' } });
    return { ...timer, clock: pauseClock(timer.clock, now, calendars), dueAt: PAUSED_DUE };
  });
  const paused: PausedTaskSla[] = [];
  const tasks: TaskRecord[] = [];
  for (const task of input.openTasks) {
    if (!task.dueAt && !task.warnAt) continue;
    // The calendar of the timer the due time came from, else the department's: the same count a resume continues.
    const source = input.timers.find((timer) => timer.clock && (timer.dueAt === task.dueAt || timer.dueAt === task.warnAt));
    const calendarId = source?.clock ? source.clock.calendarId : resolveCalendar(DEPARTMENT_CALENDAR, null, task.department, calendars);
    const remaining = (at: string | null) => (at === null ? null : Math.max(0, measure(calendarId, now, new Date(at), calendars)));
    paused.push({ taskId: task.id, calendarId, dueRemainingMs: remaining(task.dueAt), warnRemainingMs: remaining(task.warnAt) });
    tasks.push({ ...task, dueAt: null, warnAt: null, version: task.version + 1 });
  }
  audit.push({ type: 'sla.paused', actor: input.actor, elementId: input.elementId, data: { reason: input.reason, taskId: input.taskId, tasks: paused } });
  return { tasks, timers, audit: [...audit, ...moved] };
}

/** Starts the clocks again at `now`: every due time moves by the working time paused. */
export function resumeSla(input: {
  openTasks: TaskRecord[];
  timers: TimerRecord[];
  calendars: CalendarSnapshot;
  now: Date;
  actor: string;
  reason: string | null;
  state: SlaPauseState;
  elementId: string | null;
}): SlaChange {
  const { calendars, now, state } = input;
  const moved: AuditEventInput[] = [];
  const timers = input.timers.map((timer) => {
    if (!timer.clock || timer.clock.from !== null) return timer;
    const clock = resumeClock(timer.clock, now);
    const dueAt = (dueOf(clock, calendars) ?? now).toISOString();
    moved.push({ type: 'timer.moved', actor: input.actor, elementId: timer.elementId, data: { timerId: timer.id, from: null, to: dueAt, reason: 'sla resumed' } });
    return { ...timer, clock, dueAt };
  });
  const tasks: TaskRecord[] = [];
  for (const task of input.openTasks) {
    const sla = state.tasks.find((candidate) => candidate.taskId === task.id);
    if (!sla) continue;
    const due = (ms: number | null) => (ms === null ? null : add(sla.calendarId, now, ms, calendars).toISOString());
    tasks.push({ ...task, dueAt: due(sla.dueRemainingMs), warnAt: due(sla.warnRemainingMs), version: task.version + 1 });
  }
  const pausedMs = state.since ? now.getTime() - Date.parse(state.since) : 0;
  const resumed: AuditEventInput = { type: 'sla.resumed', actor: input.actor, elementId: input.elementId, data: { reason: input.reason, pausedAt: state.since, pausedMs } };
  return { tasks, timers, audit: [resumed, ...moved] };
}

/** Refuses a pause of a paused ticket and a resume of a running one, in words. */
export function assertPauseState(state: SlaPauseState, wanted: 'pause' | 'resume', ticket: string): void {
  if (wanted === 'pause' && state.paused) throw new ConflictError(`Ticket ${ticket} is already waiting on the customer (since ${state.since})`);
  if (wanted === 'resume' && !state.paused) throw new ConflictError(`Ticket ${ticket} is not waiting on the customer`);
}

function measure(calendarId: string | null, from: Date, to: Date, calendars: CalendarSnapshot): number {
  const calendar = calendarId === null ? null : calendars.workingTime(calendarId);
  return calendar ? calendar.between(from, to) : to.getTime() - from.getTime();
}

function add(calendarId: string | null, from: Date, ms: number, calendars: CalendarSnapshot): Date {
  const calendar = calendarId === null ? null : calendars.workingTime(calendarId);
  return calendar ? calendar.add(from, ms) : new Date(from.getTime() + ms);
}
