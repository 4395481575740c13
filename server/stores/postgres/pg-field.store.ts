import type pg from 'pg';

import type { Asset, AssetTicket, Part, StockLevel, StockMove, TechnicianProfile, Warehouse } from '../../field/field.js';
import type { FieldStore } from '../../field/field.store.js';
import { iso, isoOrNull, query, type Queryable } from './pg-pool.js';

interface ProfileRow extends Record<string, unknown> {
  username: string;
  home_address: string | null;
  home_lat: number | null;
  home_lon: number | null;
  max_jobs_per_day: number;
  hourly_rate: string | null;
  updated_at: Date;
}
interface StockRow extends Record<string, unknown> {
  location: string;
  sku: string;
  quantity: number;
  reserved: number;
  updated_at: Date;
}
interface AssetRow extends Record<string, unknown> {
  id: string;
  type: string;
  customer_email: string | null;
  address: string;
  lat: number;
  lon: number;
  required_skills: string[];
  created_at: Date;
  updated_at: Date;
}

const profile = (row: ProfileRow): TechnicianProfile => ({
  username: row.username,
  home: row.home_address !== null && row.home_lat !== null && row.home_lon !== null ? { address: row.home_address, lat: row.home_lat, lon: row.home_lon } : null,
  maxJobsPerDay: row.max_jobs_per_day,
  // numeric comes back as text (exact); rates and prices are plain numbers in Baton.
  hourlyRate: row.hourly_rate === null ? null : Number(row.hourly_rate),
  updatedAt: iso(row.updated_at),
});
const stock = (row: StockRow): StockLevel => ({ location: row.location, sku: row.sku, quantity: row.quantity, reserved: row.reserved, updatedAt: iso(row.updated_at) });
const asset = (row: AssetRow): Asset => ({
  id: row.id,
  type: row.type,
  customerEmail: row.customer_email,
  address: row.address,
  lat: row.lat,
  lon: row.lon,
  requiredSkills: row.required_skills,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

export class PgFieldStore implements FieldStore {
  constructor(private readonly pool: pg.Pool) {}

  async putProfile(value: TechnicianProfile): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO technician_profiles (username, home_address, home_lat, home_lon, max_jobs_per_day, hourly_rate, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (username) DO UPDATE SET home_address = excluded.home_address, home_lat = excluded.home_lat, home_lon = excluded.home_lon,
         max_jobs_per_day = excluded.max_jobs_per_day, hourly_rate = excluded.hourly_rate, updated_at = excluded.updated_at`,
      [value.username, value.home?.address ?? null, value.home?.lat ?? null, value.home?.lon ?? null, value.maxJobsPerDay, value.hourlyRate, value.updatedAt],
    );
  }

  async getProfile(username: string): Promise<TechnicianProfile | null> {
    const row = (await query<ProfileRow>(this.pool, 'SELECT * FROM technician_profiles WHERE username = $1', [username])).rows[0];
    return row ? profile(row) : null;
  }

  async profiles(usernames: string[]): Promise<TechnicianProfile[]> {
    return (await query<ProfileRow>(this.pool, 'SELECT * FROM technician_profiles WHERE username = ANY($1) ORDER BY username', [usernames])).rows.map(profile);
  }

  async putPart(value: Part): Promise<void> {
    await query(this.pool, `INSERT INTO parts (sku, name, price, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price`, [
      value.sku,
      value.name,
      value.price,
      value.createdAt,
    ]);
  }

  async getPart(sku: string): Promise<Part | null> {
    const row = (await query<{ sku: string; name: string; price: string; created_at: Date }>(this.pool, 'SELECT * FROM parts WHERE sku = $1', [sku])).rows[0];
    return row ? { sku: row.sku, name: row.name, price: Number(row.price), createdAt: iso(row.created_at) } : null;
  }

  async parts(): Promise<Part[]> {
    return (await query<{ sku: string; name: string; price: string; created_at: Date }>(this.pool, 'SELECT * FROM parts ORDER BY sku')).rows.map((row) => ({
      sku: row.sku,
      name: row.name,
      price: Number(row.price),
      createdAt: iso(row.created_at),
    }));
  }

  async putWarehouse(value: Warehouse): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO warehouses (id, name, address, lat, lon) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, lat = excluded.lat, lon = excluded.lon`,
      [value.id, value.name, value.address, value.lat, value.lon],
    );
  }

  async warehouses(): Promise<Warehouse[]> {
    return (await query<Warehouse & Record<string, unknown>>(this.pool, 'SELECT id, name, address, lat, lon FROM warehouses ORDER BY id')).rows.map((row) => ({ ...row }));
  }

  async setStock(location: string, sku: string, quantity: number, at: string): Promise<StockLevel> {
    const row = (
      await query<StockRow>(
        this.pool,
        `INSERT INTO stock (location, sku, quantity, reserved, updated_at) VALUES ($1, $2, $3, 0, $4)
         ON CONFLICT (location, sku) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at
         RETURNING *`,
        [location, sku, quantity, at],
      )
    ).rows[0];
    if (!row) throw new Error(`stock ${location}/${sku}: the upsert returned no row`);
    return stock(row);
  }

  async stock(filter: { location?: string; skus?: string[] }): Promise<StockLevel[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.location !== undefined) where.push(`location = $${values.push(filter.location)}`);
    if (filter.skus) where.push(`sku = ANY($${values.push(filter.skus)})`);
    const sql = `SELECT * FROM stock ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY location, sku`;
    return (await query<StockRow>(this.pool, sql, values)).rows.map(stock);
  }

  /** In the step's transaction (commitStep). */
  async applyMoveIn(client: Queryable, move: StockMove): Promise<void> {
    await client.query(
      `INSERT INTO stock (location, sku, quantity, reserved, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (location, sku) DO UPDATE SET quantity = stock.quantity + excluded.quantity, reserved = stock.reserved + excluded.reserved, updated_at = excluded.updated_at`,
      [move.location, move.sku, move.delta, move.reservedDelta, move.at],
    );
    await client.query('INSERT INTO stock_moves (instance_id, location, sku, delta, reserved_delta, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      move.instanceId,
      move.location,
      move.sku,
      move.delta,
      move.reservedDelta,
      move.reason,
      move.at,
    ]);
  }

  async movesOf(instanceId: string): Promise<StockMove[]> {
    const rows = (
      await query<{ instance_id: string; location: string; sku: string; delta: number; reserved_delta: number; reason: StockMove['reason']; at: Date }>(
        this.pool,
        'SELECT instance_id, location, sku, delta, reserved_delta, reason, at FROM stock_moves WHERE instance_id = $1 ORDER BY seq',
        [instanceId],
      )
    ).rows;
    return rows.map((row) => ({ instanceId: row.instance_id, location: row.location, sku: row.sku, delta: row.delta, reservedDelta: row.reserved_delta, reason: row.reason, at: iso(row.at) }));
  }

  async putAsset(value: Asset): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO assets (id, type, customer_email, address, lat, lon, required_skills, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET type = excluded.type, customer_email = excluded.customer_email, address = excluded.address,
         lat = excluded.lat, lon = excluded.lon, required_skills = excluded.required_skills, updated_at = excluded.updated_at`,
      [value.id, value.type, value.customerEmail, value.address, value.lat, value.lon, JSON.stringify(value.requiredSkills), value.createdAt, value.updatedAt],
    );
  }

  async getAsset(id: string): Promise<Asset | null> {
    const row = (await query<AssetRow>(this.pool, 'SELECT * FROM assets WHERE id = $1', [id])).rows[0];
    return row ? asset(row) : null;
  }

  async assets(filter: { limit?: number; offset?: number }): Promise<Asset[]> {
    return (await query<AssetRow>(this.pool, 'SELECT * FROM assets ORDER BY id LIMIT $1 OFFSET $2', [filter.limit ?? 100, filter.offset ?? 0])).rows.map(asset);
  }

  async ticketsOf(assetId: string): Promise<AssetTicket[]> {
    const rows = (
      await query<{ id: string; ticket_number: string; process_key: string; status: string; started_at: Date; ended_at: Date | null; technician: string | null }>(
        this.pool,
        `SELECT id, ticket_number, process_key, status, started_at, ended_at, variables ->> 'technician' AS technician
         FROM instances WHERE variables ->> 'equipmentId' = $1 ORDER BY started_at DESC, id DESC LIMIT 500`,
        [assetId],
      )
    ).rows;
    return rows.map((row) => ({
      instanceId: row.id,
      ticketNumber: row.ticket_number,
      processKey: row.process_key,
      status: row.status,
      startedAt: iso(row.started_at),
      endedAt: isoOrNull(row.ended_at),
      technician: row.technician,
    }));
  }
}
