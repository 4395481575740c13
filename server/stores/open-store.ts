import { existsSync } from 'node:fs';

import type { DatabaseConfig } from '../config.js';
import { openPostgresStore } from './postgres/pg-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
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
    return openPostgresStore({ url: database.url, max: database.poolSize, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  }
  return openSqliteStore(database.file);
}

export function describeStore(config: { database: DatabaseConfig }): StoreDescription {
  const { database } = config;
  if (database.kind === 'sqlite') return { kind: 'sqlite', location: database.file };
  const url = new URL(database.url);
  return { kind: 'postgres', location: `${url.hostname}:${url.port || '5432'}${url.pathname}` };
}
