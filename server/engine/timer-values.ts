import { ISOInterval, parseDuration } from '@0dep/piso';

import { cronProblem, isCron } from './cron-cycle.js';

/** Shortest interval of a cycle that repeats without end: anything faster is a hot loop, not an SLA. */
export const MIN_ENDLESS_CYCLE_MS = 1000;

/** Why a cycle would run hot (endless and shorter than the minimum), or null when it is fine or not a cycle. */
export function runawayCycle(value: string): string | null {
  let interval: ISOInterval;
  try {
    interval = new ISOInterval(value).parse();
  } catch {
    return null;
  }
  if ((interval.repeat ?? -1) !== -1 || !interval.duration) return null;
  const from = new Date('2000-01-01T00:00:00Z');
  const ms = interval.duration.getExpireAt(from).getTime() - from.getTime();
  return ms < MIN_ENDLESS_CYCLE_MS ? `repeats without end every ${ms} ms; an endless cycle must be at least ${MIN_ENDLESS_CYCLE_MS / 1000} s apart (or give a count: R5/...)` : null;
}

/**
 * Checks a timer value computed at run time (a FEEL or ${} timer): it must read as an ISO 8601
 * cycle, date or duration and must not run hot. Null when fine, else why not.
 */
export function computedTimerProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return `gave ${JSON.stringify(value)}, not an ISO 8601 duration, date or cycle`;
  const text = value.trim();
  if (isCron(text)) return cronProblem(text) === null ? null : `gave '${text}', which ${cronProblem(text)}`;
  if (text.startsWith('R')) {
    try {
      new ISOInterval(text).parse();
    } catch {
      return `gave '${text}', which is not an ISO 8601 cycle`;
    }
    return runawayCycle(text);
  }
  if (text.startsWith('P')) {
    try {
      parseDuration(text);
    } catch {
      return `gave '${text}', which is not an ISO 8601 duration`;
    }
    return null;
  }
  return Number.isNaN(Date.parse(text)) ? `gave '${text}', which is not an ISO 8601 duration, date or cycle` : null;
}
