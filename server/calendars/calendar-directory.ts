import { workingTime, type WorkingTime } from './business-time.js';
import type { CalendarStore } from './calendar.store.js';

/** The calendars as one step computes with them: read synchronously while the engine runs. */
export interface CalendarSnapshot {
  /** The compiled calendar; null for an unknown id. */
  workingTime(id: string): WorkingTime | null;
  /** The calendar a department works by; null for none. */
  departmentCalendar(departmentId: string | null): string | null;
}

export const NO_CALENDARS: CalendarSnapshot = { workingTime: () => null, departmentCalendar: () => null };

/**
 * Calendars loaded once and kept until one changes (CalendarService invalidates on every write),
 * so a step costs no calendar read. Another node's change reaches this one after `ttlMs`.
 */
export class CalendarDirectory {
  private current: { loaded: number; snapshot: Promise<CalendarSnapshot> } | null = null;

  constructor(
    private readonly store: CalendarStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30_000,
  ) {}

  snapshot(): Promise<CalendarSnapshot> {
    const now = this.now();
    if (!this.current || now - this.current.loaded > this.ttlMs || now < this.current.loaded) {
      const snapshot = this.load();
      this.current = { loaded: now, snapshot };
      snapshot.catch(() => {
        if (this.current?.snapshot === snapshot) this.current = null;
      });
    }
    return this.current.snapshot;
  }

  invalidate(): void {
    this.current = null;
  }

  private async load(): Promise<CalendarSnapshot> {
    const [calendars, departments] = await Promise.all([this.store.list(), this.store.departmentCalendars()]);
    const compiled = new Map<string, WorkingTime>(calendars.map((calendar) => [calendar.id, workingTime(calendar)]));
    return {
      workingTime: (id) => compiled.get(id) ?? null,
      departmentCalendar: (departmentId) => (departmentId === null ? null : (departments[departmentId] ?? null)),
    };
  }
}
