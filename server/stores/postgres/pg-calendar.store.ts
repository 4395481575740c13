import type pg from 'pg';

import type { CalendarRecord } from '../../calendars/calendar.js';
import type { CalendarStore } from '../../calendars/calendar.store.js';
import { query } from './pg-pool.js';

interface CalendarRow extends Record<string, unknown> {
  id: string;
  name: string;
  time_zone: string;
  body: CalendarBody;
}

type CalendarBody = Pick<CalendarRecord, 'week' | 'holidays' | 'exceptions'>;

const COLUMNS = 'id, name, time_zone, body';

export class PgCalendarStore implements CalendarStore {
  constructor(private readonly pool: pg.Pool) {}

  async upsert(calendar: CalendarRecord): Promise<void> {
    const body: CalendarBody = { week: calendar.week, holidays: calendar.holidays, exceptions: calendar.exceptions };
    await query(
      this.pool,
      `INSERT INTO calendars (${COLUMNS}) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, body = excluded.body`,
      [calendar.id, calendar.name, calendar.timeZone, JSON.stringify(body)],
    );
  }

  async get(id: string): Promise<CalendarRecord | null> {
    const row = (await query<CalendarRow>(this.pool, `SELECT ${COLUMNS} FROM calendars WHERE id = $1`, [id])).rows[0];
    return row === undefined ? null : toCalendar(row);
  }

  async list(): Promise<CalendarRecord[]> {
    return (await query<CalendarRow>(this.pool, `SELECT ${COLUMNS} FROM calendars ORDER BY id COLLATE "C"`)).rows.map(toCalendar);
  }

  async delete(id: string): Promise<boolean> {
    return ((await query(this.pool, 'DELETE FROM calendars WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async departmentCalendars(): Promise<Record<string, string>> {
    const result = await query<{ department_id: string; calendar_id: string }>(this.pool, 'SELECT department_id, calendar_id FROM department_calendars ORDER BY department_id COLLATE "C"');
    return Object.fromEntries(result.rows.map((row) => [row.department_id, row.calendar_id]));
  }

  async setDepartmentCalendar(departmentId: string, calendarId: string | null): Promise<void> {
    if (calendarId === null) {
      await query(this.pool, 'DELETE FROM department_calendars WHERE department_id = $1', [departmentId]);
      return;
    }
    await query(
      this.pool,
      `INSERT INTO department_calendars (department_id, calendar_id) VALUES ($1, $2)
       ON CONFLICT (department_id) DO UPDATE SET calendar_id = excluded.calendar_id`,
      [departmentId, calendarId],
    );
  }
}

function toCalendar(row: CalendarRow): CalendarRecord {
  const { body } = row;
  return { id: row.id, name: row.name, timeZone: row.time_zone, week: body.week, holidays: body.holidays, exceptions: body.exceptions };
}
