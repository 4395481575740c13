/**
 * The calendars page's text fields ↔ a calendar (pure; tested in Node). A day's hours are written
 * "09:00-13:00, 14:00-18:00"; holidays one per line ("2026-12-25", "--12-25" every year,
 * "2026-12-24..2026-12-26", each optionally followed by a name); exceptions one per line
 * ("2026-12-05 10:00-14:00", or a date alone for a day closed). The server checks everything
 * again; this only turns text into the shape and says which line is wrong.
 */
import type { CalendarException, Holiday, WorkingInterval } from '../../../server/calendars/calendar.js';

export class FormLineError extends Error {
  constructor(
    readonly field: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const TIME = /^\d{1,2}:\d{2}$/;

function pad(time: string): string {
  return time.length === 4 ? `0${time}` : time;
}

export function hoursText(hours: readonly WorkingInterval[] | undefined): string {
  return (hours ?? []).map(([from, to]) => `${from}-${to}`).join(', ');
}

export function parseHours(text: string, field: string): WorkingInterval[] {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.map((part) => {
    const [from, to, extra] = part.split('-').map((value) => value.trim());
    if (!from || !to || extra !== undefined || !TIME.test(from) || !TIME.test(to)) throw new FormLineError(field, 1, part);
    return [pad(from), pad(to)];
  });
}

export function holidaysText(holidays: readonly Holiday[]): string {
  return holidays
    .map((holiday) => {
      if (typeof holiday === 'string') return holiday;
      const name = holiday.name ? ` ${holiday.name}` : '';
      return 'date' in holiday ? `${holiday.date}${name}` : `${holiday.from}..${holiday.to}${name}`;
    })
    .join('\n');
}

const DATE = '(?:\\d{4}-\\d{2}-\\d{2})';
const HOLIDAY_LINE = new RegExp(`^(${DATE}|--\\d{2}-\\d{2})(?:\\.\\.(${DATE}))?(?:\\s+(.+))?$`);

export function parseHolidays(text: string): Holiday[] {
  const result: Holiday[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const match = HOLIDAY_LINE.exec(line);
    if (!match) throw new FormLineError('holidays', index + 1, line);
    const [, date = '', to, name] = match;
    if (to) result.push(name ? { from: date, to, name } : { from: date, to });
    else result.push(name ? { date, name } : date);
  });
  return result;
}

export function exceptionsText(exceptions: readonly CalendarException[]): string {
  return exceptions.map((exception) => `${exception.date} ${hoursText(exception.hours)}`.trim()).join('\n');
}

export function parseExceptions(text: string): CalendarException[] {
  const result: CalendarException[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const match = new RegExp(`^(${DATE})(?:\\s+(.*))?$`).exec(line);
    if (!match) throw new FormLineError('exceptions', index + 1, line);
    const [, date = '', hours = ''] = match;
    try {
      result.push({ date, hours: parseHours(hours, 'exceptions') });
    } catch {
      throw new FormLineError('exceptions', index + 1, line);
    }
  });
  return result;
}
