import { ISOInterval } from '@0dep/piso';

import type { Clock } from '../clock.js';
import { isCron, nextCron } from './cron-cycle.js';
import type { TimerClock } from '../timers/timer.js';

/** What bpmn-elements passes to `timers.register(owner)`: the timer event definition's content. */
export interface TimerOwner {
  id: string;
  executionId: string;
  expireAt?: Date | string;
  timerType?: string;
  repeat?: number;
  /** The resolved value of the timer's type (e.g. `timeDuration: 'PT20H'`). */
  timeDuration?: string;
  timeCycle?: string;
  /** `baton:calendar` of the timer event definition (BatonTimerEventDefinition adds it). */
  calendar?: string;
}

export interface ArmedTimer {
  executionId: string;
  elementId: string;
  timerType: string;
  dueAt: Date;
  /** How a new duration timer counts (see TimerClock); absent for re-armed timers, dates and cycles. */
  clock?: TimerClock;
}

/** Turns a new duration timer's wall-clock due time into its business-time one (the runner knows the calendars). */
export type TimerClocks = (owner: TimerOwner, now: Date, wallDue: Date) => { dueAt: Date; clock: TimerClock };

interface TimerRef {
  owner: TimerOwner | null;
  /** Due time by Baton's clock; null for engine-internal timers. */
  dueAt: Date | null;
  callback: (...args: unknown[]) => void;
  args: unknown[];
  timerId: string;
  fired: boolean;
  clock?: TimerClock;
}

/**
 * bpmn-engine's `timers` option for one step. No BPMN timer ever gets a Node timer here: a timer
 * that is not due yet is only recorded (the step saves it and the scheduler wakes the instance
 * when due), one that is due by Baton's clock fires on the next turn. So timers survive restarts,
 * have no 24.8-day limit, and tests move time with a controllable clock.
 */
export class StepTimers {
  private readonly refs = new Set<TimerRef>();
  private count = 0;
  private draining = false;
  /** Set while the engine is stopped for eviction: its clearTimeout calls must not cancel timers. */
  suspending = false;
  /** Timers that fired during this step, in order. */
  readonly fired: ArmedTimer[] = [];

  constructor(
    private readonly clock: Clock,
    /**
     * Due times of the timers saved by earlier steps, by executionId. The engine re-arms them on
     * resume; their due time stays the saved one (by Baton's clock, not the engine's Date).
     */
    private readonly saved: Map<string, Date>,
    /** Runs work on a later turn, counted as in flight so the step knows when the engine has settled. */
    private readonly defer: (work: () => void) => void,
    /** Told of every BPMN timer armed for the first time (not re-armed from a saved state). */
    private readonly onScheduled: (timer: ArmedTimer) => void = () => undefined,
    /** Elements whose new timers are due at once: the start event of a scheduled process start. */
    private readonly dueNow: ReadonlySet<string> = new Set(),
    /** Business time for new duration timers; without it they count wall time. */
    private readonly clocks: TimerClocks | null = null,
  ) {
    this.setTimeout = this.setTimeout.bind(this);
    this.clearTimeout = this.clearTimeout.bind(this);
  }

  get executing(): TimerRef[] {
    return [...this.refs];
  }

  register(owner: TimerOwner): { setTimeout: StepTimers['setTimeout']; clearTimeout: StepTimers['clearTimeout'] } {
    return {
      setTimeout: (callback, delay, ...args) => this.arm(owner, callback, delay, args),
      clearTimeout: (ref) => this.clearTimeout(ref),
    };
  }

  setTimeout(callback: (...args: unknown[]) => void, delay: number, ...args: unknown[]): TimerRef {
    return this.arm(null, callback, delay, args);
  }

  clearTimeout(ref: unknown): undefined {
    if (this.suspending) return undefined;
    if (isTimerRef(ref)) this.refs.delete(ref);
    return undefined;
  }

  /** The BPMN timers still pending: what the step saves. */
  pending(): ArmedTimer[] {
    const result: ArmedTimer[] = [];
    for (const ref of this.refs) {
      const timer = toArmed(ref);
      if (timer) result.push(timer);
    }
    return result;
  }

  /** The process ended: the engine cleared everything, nothing stays pending. */
  clear(): void {
    this.refs.clear();
  }

  private arm(owner: TimerOwner | null, callback: TimerRef['callback'], delay: number, args: unknown[]): TimerRef {
    const resumed = owner !== null && this.saved.has(owner.executionId);
    const ref: TimerRef = { owner, dueAt: this.dueAt(owner, delay), callback, args, timerId: `timer_${this.count++}`, fired: false };
    if (this.clocks && owner && !resumed && ref.dueAt && owner.timerType === 'timeDuration' && !this.dueNow.has(owner.id)) {
      const counted = this.clocks(owner, this.clock.now(), ref.dueAt);
      ref.dueAt = counted.dueAt;
      ref.clock = counted.clock;
    }
    this.refs.add(ref);
    const armed = toArmed(ref);
    if (armed && !resumed) this.onScheduled(armed);
    // Engine-internal timers (no BPMN owner) are rare zero-delay deferrals: honour them on the next turn.
    if (ref.dueAt === null && delay <= 0) this.defer(() => this.fire(ref));
    else if (this.isDue(ref)) this.scheduleDrain();
    return ref;
  }

  private isDue(ref: TimerRef): ref is TimerRef & { dueAt: Date } {
    return ref.dueAt !== null && ref.dueAt.getTime() <= this.clock.now().getTime();
  }

  /**
   * Fires due timers one per turn, earliest first, so that timers which fell due while the
   * instance slept run in the order they would have run live: a 16 h warning before the 20 h
   * escalation that interrupts its task.
   */
  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.defer(() => {
      this.draining = false;
      let next: (TimerRef & { dueAt: Date }) | null = null;
      for (const ref of this.refs) {
        if (this.isDue(ref) && (next === null || ref.dueAt.getTime() < next.dueAt.getTime())) next = ref;
      }
      if (!next) return;
      this.fire(next);
      if ([...this.refs].some((ref) => this.isDue(ref))) this.scheduleDrain();
    });
  }

  private fire(ref: TimerRef): void {
    if (!this.refs.has(ref) || ref.fired || this.suspending) return;
    ref.fired = true;
    this.refs.delete(ref);
    const armed = toArmed(ref);
    if (armed) {
      this.fired.push(armed);
      // A cycle re-arms under the same executionId: its next run is due from now, not the old time.
      this.saved.delete(armed.executionId);
    }
    ref.callback(...ref.args);
  }

  /**
   * bpmn-engine computes expiry with the real Date; Baton's clock decides. A saved timer keeps its
   * saved due time; a new duration or cycle is counted from Baton's now (its value parsed again:
   * the engine's `delay` is measured between two readings of the real Date and can be 1 ms short);
   * a timeDate is absolute.
   */
  private dueAt(owner: TimerOwner | null, delay: number): Date | null {
    if (!owner?.expireAt) return null;
    const saved = this.saved.get(owner.executionId);
    if (saved) return saved;
    const now = this.clock.now();
    if (this.dueNow.has(owner.id)) return now;
    if (owner.timerType === 'timeDate') return new Date(owner.expireAt);
    const value = owner.timerType === 'timeCycle' ? owner.timeCycle : owner.timeDuration;
    if (typeof value === 'string') return isCron(value) ? nextCron(value, now) : new ISOInterval(value).parse().getExpireAt(now, now);
    return new Date(now.getTime() + Math.max(0, delay));
  }
}

function toArmed(ref: TimerRef): ArmedTimer | null {
  if (!ref.owner || !ref.dueAt) return null;
  return {
    executionId: ref.owner.executionId,
    elementId: ref.owner.id,
    timerType: ref.owner.timerType ?? 'timeDuration',
    dueAt: ref.dueAt,
    ...(ref.clock && { clock: ref.clock }),
  };
}

function isTimerRef(value: unknown): value is TimerRef {
  return typeof value === 'object' && value !== null && 'timerId' in value && 'callback' in value;
}
