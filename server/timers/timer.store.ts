import type { TimerRecord } from './timer.js';

/** Pending timers are written only as part of a step (Store.commitStep); this port reads them. */
export interface TimerStore {
  /** Pending timers due at or before `at`, earliest first. */
  due(at: Date, limit: number): Promise<TimerRecord[]>;
  forInstance(instanceId: string): Promise<TimerRecord[]>;
  get(id: string): Promise<TimerRecord | null>;
  /**
   * Pending timers whose clock counts in `calendarId` (issue 16: a changed calendar moves them), by
   * id after `afterId`, up to `limit`: pages for a recompute that must not hold the store.
   */
  withClockCalendar(calendarId: string, afterId: string, limit: number): Promise<TimerRecord[]>;
  /** How many timers are pending. */
  count(): Promise<number>;
}
