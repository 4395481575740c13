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
  let component: ICAL.Component;
  try {
    component = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    throw new InvalidInputError(`The file is not iCalendar (.ics): ${err instanceof Error ? err.message : String(err)}`);
  }
  if (component.name !== 'vcalendar') throw new InvalidInputError('The file is not iCalendar (.ics): it has no VCALENDAR');
  const holidays: Holiday[] = [];
  let skipped = 0;
  for (const vevent of component.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const start = event.startDate;
    if (!start || !start.isDate) {
      skipped += 1;
      continue;
    }
    const name = event.summary || undefined;
    const from = start.toString();
    const endDate = event.endDate;
    const end = endDate ? endDate.clone() : start.clone();
    if (endDate) end.adjust(-1, 0, 0, 0);
    const to = end.compare(start) > 0 ? end.toString() : from;
    const rule = vevent.getFirstPropertyValue('rrule');
    if (rule instanceof ICAL.Recur && rule.freq === 'YEARLY' && from === to) {
      holidays.push({ date: `--${from.slice(5)}`, name });
    } else if (from === to) {
      holidays.push({ date: from, name });
    } else {
      holidays.push({ from, to, name });
    }
  }
  return { holidays, skipped };
}
