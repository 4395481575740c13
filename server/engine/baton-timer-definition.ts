import { TimerEventDefinition } from 'bpmn-elements';

import { isCron, nextCron } from './cron-cycle.js';

/** What bpmn-elements' `_getTimers` (not in its typings) returns for one execution of a timer. */
interface ResolvedTimer {
  expireAt?: Date;
  timeout?: number;
  [key: string]: unknown;
}

type GetTimers = (executeMessage: unknown) => ResolvedTimer;
type Parse = (timerType: string, value: string) => { expireAt?: Date; repeat?: number; delay?: number };

// The typings declare the export as an instance, but it is the constructor bpmn-elements news up.
const TimerDefinitionBase = TimerEventDefinition as unknown as new (activity: unknown, eventDefinition: unknown) => object;
const baseGetTimers = (TimerDefinitionBase.prototype as { _getTimers: GetTimers })._getTimers;
const baseParse = (TimerDefinitionBase.prototype as { parse: Parse }).parse;

/**
 * bpmn-elements' timer event definition, with one change: the real Date never decides that a timer
 * is due. Given an expiry that has passed by the machine's Date (a timer resumed after it fell due,
 * or a timeDate in the past), bpmn-elements completes the timer on the spot without going through
 * the `timers` option. Baton then never saw it fire: no scheduled-vs-actual time, no lateness
 * metric, no escalation record on the new task, and a timer an operator rescheduled to later fired
 * at its original time as soon as any step resumed the instance. With a positive timeout the timer
 * always reaches `timers.setTimeout`, where StepTimers decides by Baton's clock and the due time
 * Baton saved.
 */
export class BatonTimerEventDefinition extends TimerDefinitionBase {
  /** A cron `timeCycle` (cron-cycle.ts) repeats without end at its next occurrence; the rest as bpmn-elements reads them. */
  parse(timerType: string, value: string): ReturnType<Parse> {
    if (timerType !== 'timeCycle' || !isCron(value)) return baseParse.call(this, timerType, value);
    const now = new Date();
    const expireAt = nextCron(value, now);
    return { expireAt, repeat: -1, delay: expireAt.getTime() - now.getTime() };
  }

  _getTimers(executeMessage: unknown): ResolvedTimer {
    const resolved = baseGetTimers.call(this, executeMessage);
    // baton:calendar travels with the timer's content to `timers.register` (see annotateBatonTimers).
    const calendar = (this as { eventDefinition?: { behaviour?: { batonCalendar?: string } } }).eventDefinition?.behaviour?.batonCalendar;
    if (calendar) resolved['calendar'] = calendar;
    // Only timers with an expiry: an empty timer definition (timeout 0, no expiry) keeps completing at once.
    if (resolved.expireAt !== undefined && resolved.timeout !== undefined && resolved.timeout <= 0) {
      resolved.timeout = Number.MIN_VALUE;
    }
    return resolved;
  }
}
