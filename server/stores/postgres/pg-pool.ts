import { createHash } from 'node:crypto';

import pg from 'pg';

import { StoreUnavailableError } from '../../errors.js';

/** Either the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export interface PgPoolOptions {
  /** postgres://user:password@host:5432/database */
  url: string;
  /** The schema Baton's tables live in; default `public`. Tests give each store its own. */
  schema?: string;
  /** Connections this node keeps; default 10 (docs/deploy.md: pool sizes). */
  max?: number;
}

const INT8 = 20;
const NUMERIC = 1700;

/**
 * Type parsers of Baton's pools. bigint (counts, epoch milliseconds) and numeric come back as
 * JavaScript numbers: every value Baton stores in them is far below 2^53. Per pool, not the
 * global `pg.types`, so another pg user in the same process is not affected.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export function createPool(options: PgPoolOptions): pg.Pool {
  const schema = options.schema ?? 'public';
  assertIdentifier(schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    types,
    // Every connection works in the store's schema; timestamps travel in UTC.
    options: `-c search_path=${schema} -c TimeZone=UTC`,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // A connection that breaks while idle emits on the pool; without a listener node would exit.
  // The next query gets a fresh connection (or fails as STORE_UNAVAILABLE while the server is away).
  pool.on('error', () => undefined);
  // A connection that breaks while checked out (between two statements of a transaction, or the
  // socket.io adapter's listening one) emits on the client; the next statement on it fails and is
  // mapped to STORE_UNAVAILABLE, so the event itself needs no handling, but must not go unheard.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection itself failed: do not hand it back to the pool.
      broken = true;
    }
    throw storeError(err);
  } finally {
    client.release(broken);
  }
}

/** A pooled connection, or StoreUnavailableError when the server cannot be reached. */
export async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw storeError(err);
  }
}

/** One statement on the pool, with connection failures mapped to StoreUnavailableError. */
export async function query<Row extends pg.QueryResultRow>(db: Queryable, config: pg.QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult<Row>> {
  try {
    return typeof config === 'string' ? await db.query<Row>(config, values) : await db.query<Row>(config);
  } catch (err) {
    throw storeError(err);
  }
}

/**
 * SQLSTATE classes that mean "the database is not there right now" rather than "this statement is
 * wrong": connection exceptions (08), operator intervention such as a shutdown (57P), and
 * insufficient resources (53). Socket errors have no SQLSTATE but a Node error code.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is not open/i.test(message);
}

/** Connection failures become StoreUnavailableError (503 with Retry-After); anything else as it is. */
export function storeError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !isUnavailable(err)) return err;
  return new StoreUnavailableError('The database cannot be reached right now; try again shortly', { cause: err });
}

/** pg's unique_violation, with the constraint it broke. */
export function uniqueViolation(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  return code === '23505' ? (typeof constraint === 'string' ? constraint : '') : null;
}

/**
 * A LISTEN/NOTIFY channel name for this schema: channel names are identifiers (at most 63 bytes),
 * so a long schema name is replaced by a digest of it. `room` leaves space for what a library
 * appends (the socket.io adapter adds `#<namespace>`).
 */
export function channelName(prefix: string, schema: string, room = 0): string {
  const plain = `${prefix}_${schema}`;
  if (plain.length + room <= 63) return plain;
  return `${prefix}_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`'${name}' is not a plain lower-case SQL identifier`);
}

/** A timestamptz as the ISO text the records carry (the SQLite store keeps that text itself). */
export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

export function iso(value: Date): string {
  return value.toISOString();
}
