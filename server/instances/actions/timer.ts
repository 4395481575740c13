import { laterByClock } from '../../calendars/runner-calendars.js';
import type { CalendarSnapshot } from '../../calendars/calendar-directory.js';
import { ConflictError } from '../../errors.js';
import type { StepAction } from '../step-action.js';
import type { ActionHandler, ActionOf, LoadedStep } from './action.js';

/** A due timer fires during resume; `force` fires it now whatever its due time (an operator testing a process). */
export const timer: ActionHandler<ActionOf<'timer'>> = {
  check(action, step) {
    const pending = step.pendingTimers.find((candidate) => candidate.id === action.timerId);
    if (!pending) {
      if (!action.force) return 'noop';
      throw new ConflictError(`Timer ${action.timerId} is not pending any more`);
    }
    if (action.force) {
      step.saved.set(pending.executionId, step.clock.now());
      step.leading.push({
        type: 'timer.forced',
        actor: action.actor ?? 'api',
        elementId: pending.elementId,
        data: { timerId: pending.id, dueAt: pending.dueAt, reason: action.reason ?? null, intervention: true },
      });
    }
    return 'go';
  },
  async apply(action, run, step) {
    // Woken early (the scheduler's clock ahead of Baton's) or for nothing: no step to save.
    return !action.force && run.audit.length === 0 && step.leading.length === 0 ? 'noop' : 'go';
  },
};

/** An operator moves a pending timer: it is re-armed with its new due time on resume. */
export const rescheduleTimer: ActionHandler<ActionOf<'reschedule-timer'>> = {
  check(action, step) {
    const pending = step.pendingTimers.find((candidate) => candidate.id === action.timerId);
    if (!pending) throw new ConflictError(`Timer ${action.timerId} is not pending any more`);
    step.saved.set(pending.executionId, action.dueAt);
    step.leading.push({
      type: 'timer.rescheduled',
      actor: action.actor,
      elementId: pending.elementId,
      data: { timerId: pending.id, from: pending.dueAt, to: action.dueAt.toISOString(), reason: action.reason, intervention: true },
    });
    return 'go';
  },
  async apply() {
    return 'go';
  },
};

/**
 * Before any step: a timer due by its saved time whose calendar changed since (a recompute cut
 * short by a restart) is moved to the time its clock now gives instead of firing early (the engine
 * fires every due timer on resume). A timer an operator forces fires anyway.
 */
export function moveByCalendars(step: LoadedStep, action: StepAction, calendars: CalendarSnapshot): void {
  const now = step.clock.now();
  for (const pending of step.pendingTimers) {
    if (Date.parse(pending.dueAt) > now.getTime() || (action.kind === 'timer' && action.force && action.timerId === pending.id)) continue;
    const moved = laterByClock(pending, calendars, now);
    if (!moved) continue;
    step.saved.set(pending.executionId, moved);
    step.leading.push({ type: 'timer.moved', actor: 'system', elementId: pending.elementId, data: { timerId: pending.id, from: pending.dueAt, to: moved.toISOString(), reason: 'calendar changed' } });
  }
}
