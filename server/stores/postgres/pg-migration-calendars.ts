import type { PgMigration } from './pg-schema.js';

/**
 * Business calendars, as on SQLite (sqlite-migration-calendars.ts). A calendar's week, holidays
 * and exceptions are one JSON document, always read and written whole. Department → calendar is
 * its own table so the departments table (and its port) stays as it is.
 */
export const calendarsMigration: PgMigration = {
  name: 'calendars',
  sql: `
    CREATE TABLE calendars (
      id         text PRIMARY KEY,
      name       text NOT NULL,
      time_zone  text NOT NULL,
      body       json NOT NULL
    );

    CREATE TABLE department_calendars (
      department_id text PRIMARY KEY,
      calendar_id   text NOT NULL REFERENCES calendars (id)
    );
    CREATE INDEX department_calendars_calendar ON department_calendars (calendar_id);

    -- A changed calendar pages through the timers counting in it (TimerStore.withClockCalendar),
    -- in id order: only jobs with a clock's calendar are in it.
    CREATE INDEX agenda_jobs_clock_calendar ON agenda_jobs ((data -> 'clock' ->> 'calendarId'), id COLLATE "C")
      WHERE (data -> 'clock' ->> 'calendarId') IS NOT NULL;
  `,
};
