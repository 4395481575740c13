import type { PgMigration } from './pg-schema.js';

/** Field service, as on SQLite (sqlite-migration-field.ts). */
export const fieldMigration: PgMigration = {
  name: 'field',
  sql: `
    CREATE TABLE technician_profiles (
      username          text PRIMARY KEY,
      home_address      text,
      home_lat          double precision,
      home_lon          double precision,
      max_jobs_per_day  integer NOT NULL CHECK (max_jobs_per_day >= 0),
      hourly_rate       numeric,
      updated_at        timestamptz NOT NULL
    );

    CREATE TABLE parts (
      sku        text PRIMARY KEY,
      name       text NOT NULL,
      price      numeric NOT NULL CHECK (price >= 0),
      created_at timestamptz NOT NULL
    );

    CREATE TABLE warehouses (
      id      text PRIMARY KEY,
      name    text NOT NULL,
      address text NOT NULL,
      lat     double precision NOT NULL,
      lon     double precision NOT NULL
    );

    CREATE TABLE stock (
      location   text NOT NULL,
      sku        text NOT NULL REFERENCES parts (sku),
      quantity   integer NOT NULL,
      reserved   integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (location, sku)
    );
    CREATE INDEX stock_by_sku ON stock (sku);

    CREATE TABLE stock_moves (
      seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      instance_id    text NOT NULL REFERENCES instances (id),
      location       text NOT NULL,
      sku            text NOT NULL,
      delta          integer NOT NULL,
      reserved_delta integer NOT NULL,
      reason         text NOT NULL,
      at             timestamptz NOT NULL
    );
    CREATE INDEX stock_moves_by_instance ON stock_moves (instance_id, seq);

    CREATE TABLE assets (
      id              text PRIMARY KEY,
      type            text NOT NULL,
      customer_email  text,
      address         text NOT NULL,
      lat             double precision NOT NULL,
      lon             double precision NOT NULL,
      required_skills jsonb NOT NULL,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL
    );

    CREATE INDEX instances_equipment ON instances ((variables ->> 'equipmentId'));
  `,
};
