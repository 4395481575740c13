import { DateTime } from 'luxon';

import { WEEKDAYS, type CalendarRecord, type Holiday, type WorkingInterval } from './calendar.js';

/**
 * Business-time arithmetic over a calendar: add working time to an instant, measure the working
 * time between two instants, find the next working instant. Pure (luxon only) so pages can use it.
 *
 * Working hours are wall-clock hours in the calendar's zone; luxon turns each local day's intervals
 * into absolute instants, so a DST change makes that day's working time an hour shorter or longer
 * (a 24/7 calendar is wall time). Intervals are half-open `[start, end)`: a duration that uses the
 * last minute of Friday is due at Friday 18:00, not Monday 09:00.
 */

const DAY_MS = 86_400_000;
/** How many consecutive days without working time are searched before the calendar is called empty. */
const MAX_IDLE_DAYS = 3 * 366;

/** The calendar has no working time at all in the years searched: nothing can ever fall due. */
export class NoWorkingTimeError extends Error {
  readonly code = 'CALENDAR_NO_WORKING_TIME';
}

/** A calendar compiled for arithmetic; days' absolute intervals are computed once and cached. */
export class WorkingTime {
  private readonly dated = new Set<string>();
  /** `MM-DD` of yearly holidays. */
  private readonly yearly = new Set<string>();
  private readonly ranges: Array<[from: string, to: string]> = [];
  private readonly exceptions = new Map<string, WorkingInterval[]>();
  private readonly days = new Map<number, ReadonlyArray<readonly [number, number]>>();

  constructor(readonly calendar: CalendarRecord) {
    if (!DateTime.local().setZone(calendar.timeZone).isValid) throw new RangeError(`Unknown time zone ${calendar.timeZone}`);
    for (const holiday of calendar.holidays) this.addHoliday(holiday);
    for (const exception of calendar.exceptions) this.exceptions.set(exception.date, exception.hours);
  }

  /** The instant `ms` of working time after `from` (`from` itself when `ms` ≤ 0). */
  add(from: Date, ms: number): Date {
    if (ms <= 0) return new Date(from.getTime());
    let remaining = ms;
    const start = from.getTime();
    for (const [intervalStart, intervalEnd] of this.intervalsFrom(start)) {
      const begin = Math.max(intervalStart, start);
      const available = intervalEnd - begin;
      if (remaining <= available) return new Date(begin + remaining);
      remaining -= available;
    }
    /* c8 ignore next */ throw new NoWorkingTimeError('unreachable');
  }

  /** Working time in `[from, to)`, negative when `to` is before `from`. */
  between(from: Date, to: Date): number {
    const a = from.getTime();
    const b = to.getTime();
    if (b < a) return -this.between(to, from);
    let total = 0;
    for (const [intervalStart, intervalEnd] of this.intervalsFrom(a, b)) {
      if (intervalStart >= b) break;
      total += Math.min(intervalEnd, b) - Math.max(intervalStart, a);
    }
    return total;
  }

  /** The first instant at or after `at` that is working time. */
  next(at: Date): Date {
    const t = at.getTime();
    for (const [intervalStart] of this.intervalsFrom(t)) return new Date(Math.max(intervalStart, t));
    /* c8 ignore next */ throw new NoWorkingTimeError('unreachable');
  }

  /** Whether `at` lies in working time. */
  isWorking(at: Date): boolean {
    return this.next(at).getTime() === at.getTime();
  }

  /** The absolute working intervals of one local date (`YYYY-MM-DD`), for display and tests. */
  intervalsOf(date: string): Array<[Date, Date]> {
    const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    return this.dayIntervals(day).map(([s, e]) => [new Date(s), new Date(e)]);
  }

  /**
   * Working intervals ending after `from`, in order, day by day from `from`'s local date. Without
   * `until` it ends only by the caller; an empty stretch of MAX_IDLE_DAYS days throws.
   */
  private *intervalsFrom(from: number, until?: number): Generator<readonly [number, number]> {
    let day = this.localDay(from);
    const lastDay = until === undefined ? Infinity : this.localDay(until);
    let idle = 0;
    for (;;) {
      const intervals = this.dayIntervals(day);
      let any = false;
      for (const interval of intervals) {
        any = true;
        if (interval[1] > from) yield interval;
      }
      if (day >= lastDay) return;
      idle = any ? 0 : idle + 1;
      if (idle > MAX_IDLE_DAYS && until === undefined) {
        throw new NoWorkingTimeError(`Calendar ${this.calendar.id} has no working time in ${MAX_IDLE_DAYS} days`);
      }
      day += 1;
    }
  }

  /** Days since 1970-01-01 of the local date `ms` falls on in the calendar's zone. */
  private localDay(ms: number): number {
    const local = DateTime.fromMillis(ms, { zone: this.calendar.timeZone });
    return Math.floor(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
  }

  private dayIntervals(day: number): ReadonlyArray<readonly [number, number]> {
    const cached = this.days.get(day);
    if (cached) return cached;
    const date = new Date(day * DAY_MS);
    const iso = date.toISOString().slice(0, 10);
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7];
    const hours = this.exceptions.get(iso) ?? (this.isHoliday(iso) ? [] : ((weekday && this.calendar.week[weekday]) ?? []));
    const ymd = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    const result: Array<readonly [number, number]> = [];
    for (const [from, to] of hours) {
      const start = this.localInstant(ymd, from);
      const end = this.localInstant(ymd, to);
      if (end <= start) continue;
      const last = result[result.length - 1];
      // After a DST change two intervals can touch or overlap in absolute time: merge them.
      if (last && start <= last[1]) result[result.length - 1] = [last[0], Math.max(last[1], end)];
      else result.push([start, end]);
    }
    if (this.days.size > 20_000) this.days.clear();
    this.days.set(day, result);
    return result;
  }

  private localInstant(ymd: { year: number; month: number; day: number }, hhmm: string): number {
    const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
    if (hour === 24) return DateTime.fromObject(ymd, { zone: this.calendar.timeZone }).plus({ days: 1 }).toMillis();
    return DateTime.fromObject({ ...ymd, hour, minute }, { zone: this.calendar.timeZone }).toMillis();
  }

  private isHoliday(iso: string): boolean {
    if (this.dated.has(iso) || this.yearly.has(iso.slice(5))) return true;
    return this.ranges.some(([from, to]) => from <= iso && iso <= to);
  }

  private addHoliday(holiday: Holiday): void {
    if (typeof holiday === 'string') this.addDate(holiday);
    else if ('date' in holiday) this.addDate(holiday.date);
    else this.ranges.push([holiday.from, holiday.to]);
  }

  private addDate(date: string): void {
    if (date.startsWith('--')) this.yearly.add(date.slice(2));
    else this.dated.add(date);
  }
}

/** Compiled calendars by identity: the same record object is compiled once. */
const compiled = new WeakMap<CalendarRecord, WorkingTime>();

export function workingTime(calendar: CalendarRecord): WorkingTime {
  let result = compiled.get(calendar);
  if (!result) {
    result = new WorkingTime(calendar);
    compiled.set(calendar, result);
  }
  return result;
}

/** Mon–Sun 00:00–24:00, no holidays: business time equals wall time. */
export function alwaysOpen(id: string, timeZone = 'UTC'): CalendarRecord {
  const day: WorkingInterval[] = [['00:00', '24:00']];
  return { id, name: '24/7', timeZone, week: Object.fromEntries(WEEKDAYS.map((weekday) => [weekday, day])), holidays: [], exceptions: [] };
}
