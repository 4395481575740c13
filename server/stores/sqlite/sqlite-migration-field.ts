import type Database from 'better-sqlite3';

/**
 * Field service (issue 17): technicians' profiles (home base, daily limit, rate), the parts
 * catalogue, warehouses, stock per location (a warehouse id or `van:<username>`) with what is
 * reserved for dispatched visits, the ledger of stock moves made by steps, and assets.
 */
export function migrateField(db: Database.Database): void {
  db.exec(`
    CREATE TABLE technician_profiles (
      username          TEXT PRIMARY KEY,
      home_address      TEXT,
      home_lat          REAL,
      home_lon          REAL,
      max_jobs_per_day  INTEGER NOT NULL CHECK (max_jobs_per_day >= 0),
      hourly_rate       REAL,
      updated_at        TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE parts (
      sku        TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      price      REAL NOT NULL CHECK (price >= 0),
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE warehouses (
      id      TEXT PRIMARY KEY,
      name    TEXT NOT NULL,
      address TEXT NOT NULL,
      lat     REAL NOT NULL,
      lon     REAL NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE stock (
      location   TEXT NOT NULL,
      sku        TEXT NOT NULL REFERENCES parts (sku),
      quantity   INTEGER NOT NULL,
      reserved   INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (location, sku)
    ) WITHOUT ROWID;
    CREATE INDEX stock_by_sku ON stock (sku);

    CREATE TABLE stock_moves (
      seq            INTEGER PRIMARY KEY AUTOINCREMENT,
      instance_id    TEXT NOT NULL REFERENCES instances (id),
      location       TEXT NOT NULL,
      sku            TEXT NOT NULL,
      delta          INTEGER NOT NULL,
      reserved_delta INTEGER NOT NULL,
      reason         TEXT NOT NULL,
      at             TEXT NOT NULL
    );
    CREATE INDEX stock_moves_by_instance ON stock_moves (instance_id, seq);

    CREATE TABLE assets (
      id              TEXT PRIMARY KEY,
      type            TEXT NOT NULL,
      customer_email  TEXT,
      address         TEXT NOT NULL,
      lat             REAL NOT NULL,
      lon             REAL NOT NULL,
      required_skills TEXT NOT NULL,
      created_at      TEXT NOT NULL,
      updated_at      TEXT NOT NULL
    ) WITHOUT ROWID;

    -- Asset history looks tickets up by the asset id they were opened for.
    CREATE INDEX instances_equipment ON instances (json_extract(variables, '$.equipmentId'));
  `);
}
