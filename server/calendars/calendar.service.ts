import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import type { DepartmentStore } from '../departments/department.store.js';
import { WorkingTime } from './business-time.js';
import type { CalendarDirectory } from './calendar-directory.js';
import type { CalendarRecord, Holiday } from './calendar.js';
import { calendarPatch, type CalendarPatch } from '../contracts/calendars.js';
import { parseInput } from '../http/validate.js';
import type { CalendarStore } from './calendar.store.js';
import { calendarsNamedIn } from './diagram-calendars.js';
import { holidaysFromIcs } from './ics-holidays.js';

/** Who else must be told when a calendar changed (the recompute of pending timers and due dates). */
export type CalendarChanged = (calendar: CalendarRecord, actor: string) => void;

/** What a calendar is used by; a calendar in use is not deleted. */
export interface CalendarUse {
  departments: string[];
  processes: string[];
}

/**
 * Admins manage calendars here. Every write compiles the calendar once (WorkingTime) so a calendar
 * that cannot be computed with (an unknown zone) is refused before it is stored.
 */
export class CalendarService {
  private readonly listeners: CalendarChanged[] = [];

  constructor(
    private readonly calendars: CalendarStore,
    private readonly departments: DepartmentStore,
    private readonly definitions: DefinitionStore,
    /** Told of every write, so steps compute with the calendars as they are now. */
    private readonly directory: CalendarDirectory | null = null,
  ) {}

  onChanged(listener: CalendarChanged): void {
    this.listeners.push(listener);
  }

  list(): Promise<CalendarRecord[]> {
    return this.calendars.list();
  }

  async get(id: string): Promise<CalendarRecord> {
    const calendar = await this.calendars.get(id);
    if (!calendar) throw new NotFoundError(`Calendar ${id} does not exist`);
    return calendar;
  }

  async create(calendar: CalendarRecord): Promise<CalendarRecord> {
    if (await this.calendars.get(calendar.id)) throw new ConflictError(`Calendar ${calendar.id} exists already`);
    compile(calendar);
    await this.calendars.upsert(calendar);
    this.directory?.invalidate();
    return calendar;
  }

  async update(id: string, patch: CalendarPatch, actor: string): Promise<CalendarRecord> {
    const current = await this.get(id);
    const next: CalendarRecord = { ...current, ...(patch as Partial<CalendarRecord>), id };
    compile(next);
    await this.calendars.upsert(next);
    this.directory?.invalidate();
    for (const listener of this.listeners) listener(next, actor);
    return next;
  }

  /** Adds the all-day events of an .ics file as holidays (dates already there are not repeated). */
  async importHolidays(id: string, ics: string, actor: string): Promise<{ calendar: CalendarRecord; added: number; skipped: number }> {
    const current = await this.get(id);
    const { holidays, skipped } = holidaysFromIcs(ics);
    const known = new Set(current.holidays.map(holidayKey));
    const added = holidays.filter((holiday) => {
      const key = holidayKey(holiday);
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
    // The same rules as a PATCH of the holidays (dates, names, at most 2000): an import is not a way around them.
    const patch = added.length ? parseInput(calendarPatch, { holidays: [...current.holidays, ...added] }, 'imported holidays') : null;
    const calendar = patch ? await this.update(id, patch, actor) : current;
    return { calendar, added: added.length, skipped };
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    const use = await this.usage(id);
    const users = [...use.departments.map((department) => `department ${department}`), ...use.processes.map((process) => `process ${process}`)];
    if (users.length) {
      throw new ConflictError(
        `Calendar ${id} is in use by ${users.join(', ')}; choose another calendar there first`,
        users.map((message) => ({ elementId: null, message })),
      );
    }
    await this.calendars.delete(id);
    this.directory?.invalidate();
  }

  async usage(id: string): Promise<CalendarUse> {
    const assigned = await this.calendars.departmentCalendars();
    const departments = Object.entries(assigned)
      .filter(([, calendarId]) => calendarId === id)
      .map(([department]) => department);
    const processes: string[] = [];
    for (const summary of await this.definitions.listLatest()) {
      const definition = await this.definitions.latest(summary.key);
      if (definition && calendarsNamedIn(definition.xml).has(id)) processes.push(summary.key);
    }
    return { departments, processes };
  }

  departmentCalendars(): Promise<Record<string, string>> {
    return this.calendars.departmentCalendars();
  }

  /** The calendar a department works by; null for none. */
  async departmentCalendar(departmentId: string): Promise<string | null> {
    return (await this.calendars.departmentCalendars())[departmentId] ?? null;
  }

  async setDepartmentCalendar(departmentId: string, calendarId: string | null): Promise<void> {
    if (!(await this.departments.get(departmentId))) throw new NotFoundError(`Department ${departmentId} does not exist`);
    if (calendarId !== null) await this.get(calendarId);
    await this.calendars.setDepartmentCalendar(departmentId, calendarId);
    this.directory?.invalidate();
  }
}

function compile(calendar: CalendarRecord): void {
  try {
    new WorkingTime(calendar);
  } catch (err) {
    throw new InvalidInputError(`Calendar ${calendar.id}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function holidayKey(holiday: Holiday): string {
  if (typeof holiday === 'string') return holiday;
  return 'date' in holiday ? holiday.date : `${holiday.from}/${holiday.to}`;
}
