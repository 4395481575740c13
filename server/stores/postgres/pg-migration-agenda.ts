import type { PgMigration } from './pg-schema.js';

/**
 * Job store of the agenda scheduler (PgJobRepository), as SQLite's agenda_jobs: instants are
 * epoch milliseconds (bigint) so "due at or before" compares numbers, and `data` is jsonb because
 * Baton looks into it (the due instant of timers and process starts, a schedule's process key).
 */
export const agendaMigration: PgMigration = {
  name: 'agenda',
  sql: `
    CREATE TABLE agenda_jobs (
      id                      text PRIMARY KEY,
      name                    text NOT NULL,
      priority                double precision NOT NULL DEFAULT 0,
      next_run_at             bigint,
      type                    text NOT NULL,
      locked_at               bigint,
      last_run_at             bigint,
      last_finished_at        bigint,
      failed_at               bigint,
      fail_count              integer,
      fail_reason             text,
      repeat_interval         text,
      repeat_interval_numeric integer NOT NULL DEFAULT 0,
      repeat_timezone         text,
      repeat_at               text,
      disabled                integer NOT NULL DEFAULT 0,
      progress                double precision,
      data                    jsonb,
      unique_json             text,
      last_modified_by        text,
      start_date              bigint,
      end_date                bigint,
      skip_days               text,
      debounce_started_at     bigint,
      fork                    integer,
      generation              text NOT NULL,
      instance_id             text,
      pos                     bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX agenda_jobs_next_to_run
      ON agenda_jobs (name, disabled, locked_at, next_run_at, priority DESC);
    CREATE INDEX agenda_jobs_instance ON agenda_jobs (instance_id, name)
      WHERE instance_id IS NOT NULL;
    CREATE UNIQUE INDEX agenda_jobs_single_name ON agenda_jobs (name) WHERE type = 'single';
    CREATE INDEX agenda_jobs_baton_due ON agenda_jobs (name, ((data ->> 'dueMs')::bigint), id);
  `,
};
