import type { TimerRecord } from './timer.js';

/** Pending timers are written only as part of a step (Store.commitStep); this port reads them. */
export interface TimerStore {
  /** Pending timers due at or before `at`, earliest first. */
  due(at: Date, limit: number): Promise<TimerRecord[]>;
  forInstance(instanceId: string): Promise<TimerRecord[]>;
  get(id: string): Promise<TimerRecord | null>;
  /** How many timers are pending. */
  count(): Promise<number>;
}
