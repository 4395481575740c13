/**
 * Wire contracts of `/api/calendars`: a business calendar (when an organisation works; pure data,
 * shared by the server and the pages) and the bodies that create and change one, with messages a
 * person understands. A day left out of `week` (or given `[]`) is not worked; 24/7 is
 * `[["00:00","24:00"]]` every day.
 */
import { z } from 'zod';

import { WEEKDAYS, type Weekday } from './lists.js';

export type { Weekday };

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

const time = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time HH:mm between 00:00 and 24:00');
const interval = z.tuple([time, time]).refine(([from, to]) => from < to, 'an interval ends after it starts');
const dayHours = z.array(interval).max(12).refine(ordered, 'intervals of a day are in order and do not overlap');
const isoDate = z.iso.date('a date YYYY-MM-DD');
const yearlyDate = z.string().regex(/^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a yearly date --MM-DD');
const name = z.string().trim().max(200).optional();

const holiday = z.union([
  isoDate,
  yearlyDate,
  z.object({ date: z.union([isoDate, yearlyDate]), name }).strict(),
  z
    .object({ from: isoDate, to: isoDate, name })
    .strict()
    .refine((range) => range.from <= range.to, 'a range ends on or after its start'),
]);

const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin');

export const calendarId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and - (a diagram names it)')
  .refine((id) => id !== 'department', '"department" is reserved: baton:calendar="department" means the task department\'s calendar');

const week = z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayHours>>).strict();

const fields = {
  name: z.string().trim().min(1).max(200),
  timeZone,
  week,
  holidays: z.array(holiday).max(2000),
  exceptions: z.array(z.object({ date: isoDate, hours: dayHours }).strict()).max(1000),
};

/** `POST /api/calendars`. */
export const newCalendar = z.object({ id: calendarId, ...fields, holidays: fields.holidays.default([]), exceptions: fields.exceptions.default([]) }).strict();
/** `PATCH /api/calendars/:id` (and the holidays an .ics import adds). */
export const calendarPatch = z.object(fields).partial().strict();
export type CalendarPatch = z.infer<typeof calendarPatch>;

/** Typed by zod's inference; the record type says the same with named tuple members. */
export function toRecord(input: z.infer<typeof newCalendar>): CalendarRecord {
  return input as CalendarRecord;
}

function ordered(hours: WorkingInterval[]): boolean {
  return hours.every((current, index) => {
    const previous = hours[index - 1];
    return previous === undefined || previous[1] <= current[0];
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}
export type NewCalendarBody = z.input<typeof newCalendar>;
export type CalendarPatchBody = z.input<typeof calendarPatch>;

/** `POST /api/calendars/:id/holidays/import` as JSON (the raw text/calendar body needs no schema). */
export const icsImportSchema = z.object({ ics: z.string().min(1, 'the .ics text is empty').max(2_000_000) }).strict();
export type IcsImportBody = z.input<typeof icsImportSchema>;
