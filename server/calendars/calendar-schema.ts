import { z } from 'zod';

import { WEEKDAYS, type CalendarRecord, type WorkingInterval } from './calendar.js';

/** The edge schemas of calendars (HTTP bodies): what a person may send, with messages they understand. */
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
  z.object({ from: isoDate, to: isoDate, name }).strict().refine((range) => range.from <= range.to, 'a range ends on or after its start'),
]);

const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin');

export const calendarId = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and - (a diagram names it)')
  .refine((id) => id !== 'department', '"department" is reserved: baton:calendar="department" means the task department\'s calendar');

const week = z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours.optional()])) as Record<(typeof WEEKDAYS)[number], z.ZodOptional<typeof dayHours>>).strict();

const fields = {
  name: z.string().trim().min(1).max(200),
  timeZone,
  week,
  holidays: z.array(holiday).max(2000),
  exceptions: z.array(z.object({ date: isoDate, hours: dayHours }).strict()).max(1000),
};

export const newCalendar = z.object({ id: calendarId, ...fields, holidays: fields.holidays.default([]), exceptions: fields.exceptions.default([]) }).strict();
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
