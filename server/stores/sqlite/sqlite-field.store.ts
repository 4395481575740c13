import type Database from 'better-sqlite3';

import type { Asset, AssetTicket, Part, StockLevel, StockMove, TechnicianProfile, Warehouse } from '../../field/field.js';
import type { FieldStore } from '../../field/field.store.js';

interface ProfileRow {
  username: string;
  home_address: string | null;
  home_lat: number | null;
  home_lon: number | null;
  max_jobs_per_day: number;
  hourly_rate: number | null;
  updated_at: string;
}
interface PartRow {
  sku: string;
  name: string;
  price: number;
  created_at: string;
}
interface StockRow {
  location: string;
  sku: string;
  quantity: number;
  reserved: number;
  updated_at: string;
}
interface MoveRow {
  instance_id: string;
  location: string;
  sku: string;
  delta: number;
  reserved_delta: number;
  reason: StockMove['reason'];
  at: string;
}
interface AssetRow {
  id: string;
  type: string;
  customer_email: string | null;
  address: string;
  lat: number;
  lon: number;
  required_skills: string;
  created_at: string;
  updated_at: string;
}
interface TicketRow {
  id: string;
  ticket_number: string;
  process_key: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  technician: string | null;
}

const profile = (row: ProfileRow): TechnicianProfile => ({
  username: row.username,
  home: row.home_address !== null && row.home_lat !== null && row.home_lon !== null ? { address: row.home_address, lat: row.home_lat, lon: row.home_lon } : null,
  maxJobsPerDay: row.max_jobs_per_day,
  hourlyRate: row.hourly_rate,
  updatedAt: row.updated_at,
});
const part = (row: PartRow): Part => ({ sku: row.sku, name: row.name, price: row.price, createdAt: row.created_at });
const stock = (row: StockRow): StockLevel => ({ location: row.location, sku: row.sku, quantity: row.quantity, reserved: row.reserved, updatedAt: row.updated_at });
const asset = (row: AssetRow): Asset => ({
  id: row.id,
  type: row.type,
  customerEmail: row.customer_email,
  address: row.address,
  lat: row.lat,
  lon: row.lon,
  requiredSkills: JSON.parse(row.required_skills) as string[],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class SqliteFieldStore implements FieldStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      putProfile: db.prepare<[ProfileRow]>(
        `INSERT INTO technician_profiles (username, home_address, home_lat, home_lon, max_jobs_per_day, hourly_rate, updated_at)
         VALUES (@username, @home_address, @home_lat, @home_lon, @max_jobs_per_day, @hourly_rate, @updated_at)
         ON CONFLICT (username) DO UPDATE SET home_address = excluded.home_address, home_lat = excluded.home_lat, home_lon = excluded.home_lon,
           max_jobs_per_day = excluded.max_jobs_per_day, hourly_rate = excluded.hourly_rate, updated_at = excluded.updated_at`,
      ),
      profile: db.prepare<[string], ProfileRow>('SELECT * FROM technician_profiles WHERE username = ?'),
      profiles: db.prepare<[string], ProfileRow>('SELECT * FROM technician_profiles WHERE username IN (SELECT value FROM json_each(?)) ORDER BY username'),
      putPart: db.prepare<[PartRow]>(
        `INSERT INTO parts (sku, name, price, created_at) VALUES (@sku, @name, @price, @created_at)
         ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price`,
      ),
      part: db.prepare<[string], PartRow>('SELECT * FROM parts WHERE sku = ?'),
      parts: db.prepare<[], PartRow>('SELECT * FROM parts ORDER BY sku'),
      putWarehouse: db.prepare<[Warehouse]>(
        `INSERT INTO warehouses (id, name, address, lat, lon) VALUES (@id, @name, @address, @lat, @lon)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, lat = excluded.lat, lon = excluded.lon`,
      ),
      warehouses: db.prepare<[], Warehouse>('SELECT id, name, address, lat, lon FROM warehouses ORDER BY id'),
      setStock: db.prepare<[{ location: string; sku: string; quantity: number; at: string }], StockRow>(
        `INSERT INTO stock (location, sku, quantity, reserved, updated_at) VALUES (@location, @sku, @quantity, 0, @at)
         ON CONFLICT (location, sku) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at
         RETURNING *`,
      ),
      moveStock: db.prepare<[{ location: string; sku: string; delta: number; reserved_delta: number; at: string }]>(
        `INSERT INTO stock (location, sku, quantity, reserved, updated_at) VALUES (@location, @sku, @delta, @reserved_delta, @at)
         ON CONFLICT (location, sku) DO UPDATE SET quantity = quantity + excluded.quantity, reserved = reserved + excluded.reserved, updated_at = excluded.updated_at`,
      ),
      insertMove: db.prepare<[MoveRow]>(
        `INSERT INTO stock_moves (instance_id, location, sku, delta, reserved_delta, reason, at)
         VALUES (@instance_id, @location, @sku, @delta, @reserved_delta, @reason, @at)`,
      ),
      moves: db.prepare<[string], MoveRow>('SELECT * FROM stock_moves WHERE instance_id = ? ORDER BY seq'),
      stockAll: db.prepare<[], StockRow>('SELECT * FROM stock ORDER BY location, sku'),
      stockAt: db.prepare<[string], StockRow>('SELECT * FROM stock WHERE location = ? ORDER BY sku'),
      stockOf: db.prepare<[string], StockRow>('SELECT * FROM stock WHERE sku IN (SELECT value FROM json_each(?)) ORDER BY location, sku'),
      putAsset: db.prepare<[AssetRow]>(
        `INSERT INTO assets (id, type, customer_email, address, lat, lon, required_skills, created_at, updated_at)
         VALUES (@id, @type, @customer_email, @address, @lat, @lon, @required_skills, @created_at, @updated_at)
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, customer_email = excluded.customer_email, address = excluded.address,
           lat = excluded.lat, lon = excluded.lon, required_skills = excluded.required_skills, updated_at = excluded.updated_at`,
      ),
      asset: db.prepare<[string], AssetRow>('SELECT * FROM assets WHERE id = ?'),
      assets: db.prepare<[number, number], AssetRow>('SELECT * FROM assets ORDER BY id LIMIT ? OFFSET ?'),
      tickets: db.prepare<[string], TicketRow>(
        `SELECT id, ticket_number, process_key, status, started_at, ended_at, json_extract(variables, '$.technician') AS technician
         FROM instances WHERE json_extract(variables, '$.equipmentId') = ?
         ORDER BY started_at DESC, id DESC LIMIT 500`,
      ),
    };
  }

  async putProfile(value: TechnicianProfile): Promise<void> {
    this.statements.putProfile.run({
      username: value.username,
      home_address: value.home?.address ?? null,
      home_lat: value.home?.lat ?? null,
      home_lon: value.home?.lon ?? null,
      max_jobs_per_day: value.maxJobsPerDay,
      hourly_rate: value.hourlyRate,
      updated_at: value.updatedAt,
    });
  }

  async getProfile(username: string): Promise<TechnicianProfile | null> {
    const row = this.statements.profile.get(username);
    return row ? profile(row) : null;
  }

  async profiles(usernames: string[]): Promise<TechnicianProfile[]> {
    return this.statements.profiles.all(JSON.stringify(usernames)).map(profile);
  }

  async putPart(value: Part): Promise<void> {
    this.statements.putPart.run({ sku: value.sku, name: value.name, price: value.price, created_at: value.createdAt });
  }

  async getPart(sku: string): Promise<Part | null> {
    const row = this.statements.part.get(sku);
    return row ? part(row) : null;
  }

  async parts(): Promise<Part[]> {
    return this.statements.parts.all().map(part);
  }

  async putWarehouse(value: Warehouse): Promise<void> {
    this.statements.putWarehouse.run({ id: value.id, name: value.name, address: value.address, lat: value.lat, lon: value.lon });
  }

  async warehouses(): Promise<Warehouse[]> {
    return this.statements.warehouses.all();
  }

  async setStock(location: string, sku: string, quantity: number, at: string): Promise<StockLevel> {
    const row = this.statements.setStock.get({ location, sku, quantity, at });
    if (!row) throw new Error(`stock ${location}/${sku}: the upsert returned no row`);
    return stock(row);
  }

  async stock(filter: { location?: string; skus?: string[] }): Promise<StockLevel[]> {
    const { location, skus } = filter;
    const rows = skus ? this.statements.stockOf.all(JSON.stringify(skus)) : location !== undefined ? this.statements.stockAt.all(location) : this.statements.stockAll.all();
    // Both given: the sku lookup is the narrower index, the location is a filter on its few rows.
    return (skus && location !== undefined ? rows.filter((row) => row.location === location) : rows).map(stock);
  }

  /** In the step's transaction (commitStep): the stock level moves and the ledger records why. */
  applyMoveSync(move: StockMove): void {
    this.statements.moveStock.run({ location: move.location, sku: move.sku, delta: move.delta, reserved_delta: move.reservedDelta, at: move.at });
    this.statements.insertMove.run({
      instance_id: move.instanceId,
      location: move.location,
      sku: move.sku,
      delta: move.delta,
      reserved_delta: move.reservedDelta,
      reason: move.reason,
      at: move.at,
    });
  }

  async movesOf(instanceId: string): Promise<StockMove[]> {
    return this.statements.moves.all(instanceId).map((row) => ({
      instanceId: row.instance_id,
      location: row.location,
      sku: row.sku,
      delta: row.delta,
      reservedDelta: row.reserved_delta,
      reason: row.reason,
      at: row.at,
    }));
  }

  async putAsset(value: Asset): Promise<void> {
    this.statements.putAsset.run({
      id: value.id,
      type: value.type,
      customer_email: value.customerEmail,
      address: value.address,
      lat: value.lat,
      lon: value.lon,
      required_skills: JSON.stringify(value.requiredSkills),
      created_at: value.createdAt,
      updated_at: value.updatedAt,
    });
  }

  async getAsset(id: string): Promise<Asset | null> {
    const row = this.statements.asset.get(id);
    return row ? asset(row) : null;
  }

  async assets(filter: { limit?: number; offset?: number }): Promise<Asset[]> {
    return this.statements.assets.all(filter.limit ?? 100, filter.offset ?? 0).map(asset);
  }

  async ticketsOf(assetId: string): Promise<AssetTicket[]> {
    return this.statements.tickets.all(assetId).map((row) => ({
      instanceId: row.id,
      ticketNumber: row.ticket_number,
      processKey: row.process_key,
      status: row.status,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      technician: row.technician,
    }));
  }
}
