import type Database from 'better-sqlite3';

/**
 * Business calendars (issue 16). A calendar's week, holidays and exceptions are one JSON document:
 * they are always read and written whole, never queried by part. Department → calendar is its own
 * table so the departments table (and its port) stays as it is.
 */
export function migrateCalendars(db: Database.Database): void {
  db.exec(`
    CREATE TABLE calendars (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      time_zone  TEXT NOT NULL,
      body       TEXT NOT NULL
    );

    CREATE TABLE department_calendars (
      department_id TEXT PRIMARY KEY,
      calendar_id   TEXT NOT NULL REFERENCES calendars (id)
    );
    CREATE INDEX department_calendars_calendar ON department_calendars (calendar_id);

    -- A changed calendar pages through the timers counting in it (TimerStore.withClockCalendar):
    -- without this index every page scanned and sorted every pending timer.
    CREATE INDEX agenda_jobs_clock_calendar ON agenda_jobs (json_extract(data, '$.clock.calendarId'), id);
  `);
}
