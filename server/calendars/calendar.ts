/**
 * A business calendar: when an organisation works. Pure data, shared by the server and the pages.
 * A day left out of `week` (or given `[]`) is not worked; 24/7 is `[["00:00","24:00"]]` every day.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A working interval of one day in the calendar's local time, `"HH:mm"`; the end may be `"24:00"`. */
export type WorkingInterval = [from: string, to: string];

/**
 * A holiday: a date (`"2026-12-25"`), a yearly date (`"--12-25"`, ISO 8601's date without year),
 * or an inclusive range `{ from, to }`; the object forms may carry a name (imported from .ics).
 */
export type Holiday = string | { date: string; name?: string | undefined } | { from: string; to: string; name?: string | undefined };

/** A one-off day that is worked differently (a Saturday worked; `hours: []` closes a day). */
export interface CalendarException {
  date: string;
  hours: WorkingInterval[];
}

export interface CalendarRecord {
  id: string;
  name: string;
  /** IANA zone, e.g. `Europe/Berlin`: working hours are wall-clock hours there. */
  timeZone: string;
  week: Partial<Record<Weekday, WorkingInterval[]>>;
  holidays: Holiday[];
  exceptions: CalendarException[];
}
