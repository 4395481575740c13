import { existsSync } from 'node:fs';

import Database from 'better-sqlite3';

import type { DatabaseConfig } from '../config.js';
import { exportPg, importPg } from './postgres/pg-export.js';
import { createPool } from './postgres/pg-pool.js';
import { PG_SCHEMA_VERSION, schemaVersion as pgSchemaVersion } from './postgres/pg-schema.js';
import { openPostgresStore } from './postgres/pg-store.js';
import { exportSqlite, importSqlite, type ExportHeader } from './sqlite/sqlite-export.js';
import { openSqliteDatabase, openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** PostgreSQL schema (tests give every store its own); default `public`. */
  schema?: string;
  /** For tools that read a store (audit:verify, export): a missing SQLite file is an error, not a new store. */
  mustExist?: boolean;
}

/** A tool was pointed at a store that does not exist. */
export class StoreMissingError extends Error {}

/** What a store says about itself on /health and in the start-up log. */
export interface StoreDescription {
  kind: string;
  /** The file, or the PostgreSQL host and database (never the password). */
  location: string;
}

/**
 * The one place that names an adapter: `BATON_DATABASE_URL=postgres://…` opens the PostgreSQL
 * store (migrated under an advisory lock), otherwise the embedded SQLite file in BATON_DATA_DIR.
 * main.ts, every CLI and the test harness open their store here.
 */
export async function openStore(config: { database: DatabaseConfig }, options: OpenStoreOptions = {}): Promise<Store> {
  const { database } = config;
  if (options.mustExist && database.kind === 'sqlite' && !existsSync(database.file)) {
    throw new StoreMissingError(`no database at ${database.file} (set BATON_DATA_DIR, or BATON_DATABASE_URL for PostgreSQL)`);
  }
  if (database.kind === 'postgres') {
    const schema = options.schema ?? database.schema;
    return openPostgresStore({ url: database.url, max: database.poolSize, ...(schema === undefined ? {} : { schema }) });
  }
  return openSqliteStore(database.file);
}

export function describeStore(config: { database: DatabaseConfig }): StoreDescription {
  const { database } = config;
  if (database.kind === 'sqlite') return { kind: 'sqlite', location: database.file };
  const url = new URL(database.url);
  return { kind: 'postgres', location: `${url.hostname}:${url.port || '5432'}${url.pathname}${database.schema && database.schema !== 'public' ? ` (schema ${database.schema})` : ''}` };
}

/**
 * `npm run export`: the whole store as a Baton export (the SQLite store's row format, whichever
 * store wrote it), read as one consistent moment while nodes keep running. Never migrates.
 */
export async function exportStore(config: { database: DatabaseConfig }, write: (line: string) => void, options: OpenStoreOptions = {}): Promise<ExportHeader> {
  const { database } = config;
  if (database.kind === 'sqlite') {
    if (!existsSync(database.file)) throw new StoreMissingError(`no database at ${database.file} (set BATON_DATA_DIR, or BATON_DATABASE_URL for PostgreSQL)`);
    const db = new Database(database.file, { readonly: true, fileMustExist: true });
    // A reader needs only the busy timeout: WAL mode is a property of the file, set by the server.
    db.pragma('busy_timeout = 5000');
    try {
      return exportSqlite(db, write);
    } finally {
      db.close();
    }
  }
  const schema = options.schema ?? database.schema;
  const pool = createPool({ url: database.url, max: 2, ...(schema === undefined ? {} : { schema }) });
  try {
    const version = await pgSchemaVersion(pool);
    if (version !== PG_SCHEMA_VERSION) {
      throw new StoreMissingError(
        version === 0 ? 'the PostgreSQL database holds no Baton store' : `the PostgreSQL store is at schema ${version}, this Baton writes ${PG_SCHEMA_VERSION}: export with the Baton that runs it`,
      );
    }
    return await exportPg(pool, write);
  } finally {
    await pool.end();
  }
}

/** `npm run import`: loads an export (of either store) into an empty store, all or nothing. */
export async function importStore(config: { database: DatabaseConfig }, lines: AsyncIterable<string>, options: OpenStoreOptions = {}): Promise<ExportHeader> {
  const { database } = config;
  if (database.kind === 'sqlite') {
    const db = openSqliteDatabase(database.file);
    try {
      return await importSqlite(db, lines);
    } finally {
      db.close();
    }
  }
  const schema = options.schema ?? database.schema;
  const store = await openPostgresStore({ url: database.url, max: 2, ...(schema === undefined ? {} : { schema }) });
  try {
    return await importPg(store.pool, lines);
  } finally {
    await store.close();
  }
}
