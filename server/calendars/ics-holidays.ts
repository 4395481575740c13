import ICAL from 'ical.js';

import { InvalidInputError } from '../errors.js';
import type { Holiday } from './calendar.js';

/**
 * Holidays from an iCalendar file (a country's public holidays as published by many sites, or a
 * company's closing days), read with ical.js. Every all-day event becomes a holiday: one day a
 * date, several days a range (DTEND is exclusive in iCalendar); a yearly RRULE becomes `--MM-DD`.
 * Events with a time of day are not closing days and are skipped (counted for the answer).
 */
export function holidaysFromIcs(text: string): { holidays: Holiday[]; skipped: number } {
  if (text.includes('\u0000')) throw new InvalidInputError('The file is not iCalendar (.ics): it contains the NUL character');
  let component: ICAL.Component;
  try {
    component = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    throw new InvalidInputError(`The file is not iCalendar (.ics): ${err instanceof Error ? err.message : String(err)}`);
  }
  if (component.name !== 'vcalendar') throw new InvalidInputError('The file is not iCalendar (.ics): it has no VCALENDAR');
  const holidays: Holiday[] = [];
  let skipped = 0;
  for (const [index, vevent] of component.getAllSubcomponents('vevent').entries()) {
    // ical.js reads an event's values only when asked, and throws a plain Error on a bad one
    // (DTSTART;VALUE=DATE:abc): that is the file's fault, said as such.
    const read = eventOf(vevent, index);
    if (read === 'skip') {
      skipped += 1;
      continue;
    }
    holidays.push(read);
  }
  return { holidays, skipped };
}

/** The longest holiday name a calendar keeps (contracts/calendars.ts); published files have longer summaries. */
const MAX_NAME = 200;
/** Dates as a calendar stores them: four-digit years (ical.js wraps 00000000 to year -1 and reads 99999999 as year 10007). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function eventOf(vevent: ICAL.Component, index: number): Holiday | 'skip' {
  try {
    return holidayOf(vevent);
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(`The file is not iCalendar (.ics): event ${index + 1}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function holidayOf(vevent: ICAL.Component): Holiday | 'skip' {
  const event = new ICAL.Event(vevent);
  const start = event.startDate;
  if (!start || !start.isDate) return 'skip';
  const name =
    String(event.summary ?? '')
      .trim()
      .slice(0, MAX_NAME) || undefined;
  const from = start.toString();
  const endDate = event.endDate;
  const end = endDate ? endDate.clone() : start.clone();
  if (endDate) end.adjust(-1, 0, 0, 0);
  const to = end.compare(start) > 0 ? end.toString() : from;
  for (const date of [from, to]) if (!ISO_DATE.test(date)) throw new InvalidInputError(`The file is not iCalendar (.ics): ${date} is not a date of years 0000 to 9999`);
  const rule = vevent.getFirstPropertyValue('rrule');
  if (rule instanceof ICAL.Recur && rule.freq === 'YEARLY' && from === to) return { date: `--${from.slice(5)}`, name };
  if (from === to) return { date: from, name };
  return { from, to, name };
}
