import type pg from 'pg';

import { agendaMigration } from './pg-migration-agenda.js';
import { analyticsMigration } from './pg-migration-analytics.js';
import { auditMigration } from './pg-migration-audit.js';
import { calendarsMigration } from './pg-migration-calendars.js';
import { clusterMigration } from './pg-migration-cluster.js';
import { coreMigration } from './pg-migration-core.js';
import { liveMigration } from './pg-migration-live.js';
import { customerMigration } from './pg-migration-customer.js';
import { externalTasksMigration } from './pg-migration-external-tasks.js';
import { fieldMigration } from './pg-migration-field.js';
import { notificationsMigration } from './pg-migration-notifications.js';
import { operationsMigration } from './pg-migration-operations.js';
import { peopleMigration } from './pg-migration-people.js';
import { connect } from './pg-pool.js';

export interface PgMigration {
  /** For the log and the schema table: what the migration adds. */
  name: string;
  sql: string;
}

/**
 * Migration `i` takes the schema from version `i` to `i + 1`. Append new ones (a feature's
 * tables are one file `pg-migration-<feature>.ts` and one line here); never edit a shipped one:
 * databases in the field have already run it.
 */
const migrations: readonly PgMigration[] = [
  coreMigration,
  agendaMigration,
  auditMigration,
  peopleMigration,
  customerMigration,
  clusterMigration,
  liveMigration,
  fieldMigration,
  notificationsMigration,
  externalTasksMigration,
  operationsMigration,
  analyticsMigration,
  calendarsMigration,
];

/** The migrations' names, in order: migration `i` (named `PG_MIGRATIONS[i]`) takes the schema to version `i + 1`. */
export const PG_MIGRATIONS: readonly string[] = migrations.map((migration) => migration.name);

/** Schema version this code writes; a database at a higher version came from a newer Baton. */
export const PG_SCHEMA_VERSION = migrations.length;

/** Both halves of the advisory lock key: Baton's migrations, per schema (tests run many schemas in one database). */
const MIGRATION_LOCK = `pg_advisory_lock(hashtext('baton.migrate'), hashtext(current_schema()))`;
const MIGRATION_UNLOCK = `pg_advisory_unlock(hashtext('baton.migrate'), hashtext(current_schema()))`;

export class NewerSchemaError extends Error {
  constructor(found: number) {
    super(`database schema version ${found} is newer than this Baton supports (${PG_SCHEMA_VERSION}): ` + 'another node runs a newer Baton; upgrade this one (schemas are never migrated down)');
  }
}

export async function schemaVersion(db: Pick<pg.Pool | pg.PoolClient, 'query'>): Promise<number> {
  const table = await db.query<{ exists: boolean }>(`SELECT to_regclass('baton_schema') IS NOT NULL AS exists`);
  if (!table.rows[0]?.exists) return 0;
  const row = await db.query<{ version: number }>('SELECT version FROM baton_schema');
  return row.rows[0]?.version ?? 0;
}

/**
 * Brings the schema up to `target` under an advisory lock, so nodes that start together migrate
 * once: the others wait on the lock, then find the work done. One transaction per migration.
 * Throws NewerSchemaError against a schema this code does not know.
 */
export async function migratePg(pool: pg.Pool, target = PG_SCHEMA_VERSION): Promise<number> {
  const client = await connect(pool);
  let broken = false;
  try {
    const schema = await currentSchema(client);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // IF NOT EXISTS races with another node creating it: the loser's unique violation is harmless.
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(() => undefined);
    await client.query(`SELECT ${MIGRATION_LOCK}`);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS baton_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
      const found = await schemaVersion(client);
      if (found > PG_SCHEMA_VERSION) throw new NewerSchemaError(found);
      for (let from = found; from < target; from += 1) {
        const migration = migrations[from];
        if (!migration) throw new Error(`no migration from schema version ${from}`);
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('DELETE FROM baton_schema');
          await client.query('INSERT INTO baton_schema (version) VALUES ($1)', [from + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${from + 1} (${migration.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
      return Math.max(found, target);
    } finally {
      await client.query(`SELECT ${MIGRATION_UNLOCK}`).catch(() => {
        broken = true;
      });
    }
  } finally {
    client.release(broken);
  }
}

/** The schema the pool's search_path names (created on first start). */
async function currentSchema(client: pg.PoolClient): Promise<string> {
  const result = await client.query<{ search_path: string }>('SHOW search_path');
  const first = (result.rows[0]?.search_path ?? 'public').split(',')[0]?.trim() ?? 'public';
  return first.replace(/^"|"$/g, '');
}
