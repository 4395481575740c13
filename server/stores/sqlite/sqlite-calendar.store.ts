import type Database from 'better-sqlite3';

import type { CalendarRecord } from '../../calendars/calendar.js';
import type { CalendarStore } from '../../calendars/calendar.store.js';

interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  body: string;
}

type CalendarBody = Pick<CalendarRecord, 'week' | 'holidays' | 'exceptions'>;

export class SqliteCalendarStore implements CalendarStore {
  private readonly upsertRow: Database.Statement<[CalendarRow]>;
  private readonly byId: Database.Statement<[string], CalendarRow>;
  private readonly all: Database.Statement<[], CalendarRow>;
  private readonly deleteRow: Database.Statement<[string]>;
  private readonly assignments: Database.Statement<[], { department_id: string; calendar_id: string }>;
  private readonly assign: Database.Statement<[string, string]>;
  private readonly unassign: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.upsertRow = db.prepare(
      `INSERT INTO calendars (id, name, time_zone, body) VALUES (@id, @name, @time_zone, @body)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, body = excluded.body`,
    );
    this.byId = db.prepare('SELECT id, name, time_zone, body FROM calendars WHERE id = ?');
    this.all = db.prepare('SELECT id, name, time_zone, body FROM calendars ORDER BY id');
    this.deleteRow = db.prepare('DELETE FROM calendars WHERE id = ?');
    this.assignments = db.prepare('SELECT department_id, calendar_id FROM department_calendars ORDER BY department_id');
    this.assign = db.prepare(
      `INSERT INTO department_calendars (department_id, calendar_id) VALUES (?, ?)
       ON CONFLICT (department_id) DO UPDATE SET calendar_id = excluded.calendar_id`,
    );
    this.unassign = db.prepare('DELETE FROM department_calendars WHERE department_id = ?');
  }

  async upsert(calendar: CalendarRecord): Promise<void> {
    const body: CalendarBody = { week: calendar.week, holidays: calendar.holidays, exceptions: calendar.exceptions };
    this.upsertRow.run({ id: calendar.id, name: calendar.name, time_zone: calendar.timeZone, body: JSON.stringify(body) });
  }

  async get(id: string): Promise<CalendarRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toCalendar(row);
  }

  async list(): Promise<CalendarRecord[]> {
    return this.all.all().map(toCalendar);
  }

  async delete(id: string): Promise<boolean> {
    return this.deleteRow.run(id).changes > 0;
  }

  async departmentCalendars(): Promise<Record<string, string>> {
    return Object.fromEntries(this.assignments.all().map((row) => [row.department_id, row.calendar_id]));
  }

  async setDepartmentCalendar(departmentId: string, calendarId: string | null): Promise<void> {
    if (calendarId === null) this.unassign.run(departmentId);
    else this.assign.run(departmentId, calendarId);
  }
}

function toCalendar(row: CalendarRow): CalendarRecord {
  const body = JSON.parse(row.body) as CalendarBody;
  return { id: row.id, name: row.name, timeZone: row.time_zone, week: body.week, holidays: body.holidays, exceptions: body.exceptions };
}
