import type { CalendarRecord } from './calendar.js';

/** Business calendars and which department works by which. */
export interface CalendarStore {
  /** Inserts or replaces by id. */
  upsert(calendar: CalendarRecord): Promise<void>;
  get(id: string): Promise<CalendarRecord | null>;
  /** Ordered by id. */
  list(): Promise<CalendarRecord[]>;
  /** False when there was no such calendar. */
  delete(id: string): Promise<boolean>;
  /** Department id → calendar id, for every department that has one. */
  departmentCalendars(): Promise<Record<string, string>>;
  /** null: the department works by no calendar (wall time, or the process's default). */
  setDepartmentCalendar(departmentId: string, calendarId: string | null): Promise<void>;
}
