import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import type pg from 'pg';

import { InvalidInputError } from '../../errors.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, importSqlite, type ExportHeader } from '../sqlite/sqlite-export.js';
import { SCHEMA_VERSION as SQLITE_ROW_FORMAT } from '../sqlite/sqlite-schema.js';
import { inTransaction } from './pg-pool.js';

/**
 * Export and import of the PostgreSQL store in the one Baton export format (sqlite-export.ts):
 * rows as the SQLite store keeps them, so an export of either store imports into the other.
 * PostgreSQL's tables are column for column those of SQLite; only the types differ (timestamptz,
 * json, boolean), and they are converted here, both ways. The header's schemaVersion is the row
 * format, i.e. the SQLite schema version this code writes.
 */

/** Tables of the PostgreSQL store that are not Baton's rows (the schema marker, live-event attachments). */
const NOT_EXPORTED = new Set(['baton_schema', 'socket_io_attachments']);
/** Columns PostgreSQL adds for ordering (SQLite's rowid): never exported, refilled in row order on import. */
const ORDER_COLUMN = 'pos';
/**
 * The writing transaction of an audit event (and of the analytics cursor's event): the log's
 * order on PostgreSQL (pg-migration-analytics.ts), meaningless in another database. Never
 * exported; an import gives every row the import's own, and the analytics cursor is then invalid
 * (the projections are rebuilt). Rows are exported in (xid, pos) order, the order they were folded in.
 */
const XID_COLUMN = 'xid';

const JSON_TYPES = new Set([114, 3802]);
const TIMESTAMPTZ = 1184;
const BOOL = 16;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function tablesOf(db: pg.PoolClient): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"`,
  );
  return result.rows.map((row) => row.name).filter((name) => !NOT_EXPORTED.has(name));
}

async function columnsOf(db: pg.PoolClient, table: string): Promise<string[]> {
  const result = await db.query<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [
    table,
  ]);
  return result.rows.map((row) => row.name);
}

/** A value as the SQLite store holds it: ISO text for instants, JSON text, 0/1, bytes as { $bytes }. */
function sqliteValue(value: unknown, typeId: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeId === TIMESTAMPTZ && value instanceof Date) return value.toISOString();
  if (JSON_TYPES.has(typeId)) return JSON.stringify(value);
  if (typeId === BOOL) return value === true ? 1 : 0;
  if (Buffer.isBuffer(value)) return { $bytes: value.toString('base64') };
  return value;
}

/** The whole store, read in one REPEATABLE READ transaction (one consistent moment while nodes run). */
export async function exportPg(pool: pg.Pool, write: (line: string) => void, now: Date = new Date()): Promise<ExportHeader> {
  return inTransaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesOf(client);
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]?.n ?? 0;
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      // The rows are in the SQLite store's shape: the header says so, and which version of it.
      store: 'sqlite',
      schemaVersion: SQLITE_ROW_FORMAT,
      exportedAt: now.toISOString(),
      tables: counts,
    };
    write(`${JSON.stringify(header)}\n`);
    for (const table of tables) {
      const columns = await columnsOf(client, table);
      const exported = columns.filter((column) => column !== ORDER_COLUMN && column !== XID_COLUMN);
      const byPos = columns.includes(ORDER_COLUMN) ? (columns.includes(XID_COLUMN) ? `${XID_COLUMN}, ${ORDER_COLUMN}` : ORDER_COLUMN) : '';
      const order = byPos ? ` ORDER BY ${byPos}` : '';
      // A server-side cursor: a large table is read 10,000 rows at a time, all in the one snapshot.
      await client.query(`DECLARE export_rows NO SCROLL CURSOR FOR SELECT ${exported.map(quote).join(', ')} FROM ${quote(table)}${order || ' ORDER BY 1'}`);
      for (;;) {
        const result = await client.query('FETCH FORWARD 10000 FROM export_rows');
        for (const row of result.rows as Record<string, unknown>[]) {
          const out: Record<string, unknown> = {};
          for (const field of result.fields) out[field.name] = sqliteValue(row[field.name], field.dataTypeID);
          write(`${JSON.stringify({ t: table, r: out })}\n`);
        }
        if (result.rows.length < 10_000) break;
      }
      await client.query('CLOSE export_rows');
    }
    return header;
  });
}

/**
 * Loads a Baton export into an empty PostgreSQL store, all or nothing. The file first goes through
 * the SQLite import into a scratch file, which checks it (format, counts, foreign keys) and brings
 * an older export up to the current row format; then every row goes into PostgreSQL in one
 * transaction, referenced tables first.
 */
export async function importPg(pool: pg.Pool, lines: AsyncIterable<string>): Promise<ExportHeader> {
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'baton-import-'));
  const scratch = new Database(path.join(scratchDir, 'import.db'));
  try {
    scratch.pragma('journal_mode = OFF');
    scratch.pragma('foreign_keys = ON');
    const header = await importSqlite(scratch, lines);
    await inTransaction(pool, async (client) => {
      const targetTables = new Set(await tablesOf(client));
      for (const table of targetTables) {
        const found = await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
        if ((found.rowCount ?? 0) > 0) throw new InvalidInputError('The target store is not empty: import only into a new database (or schema)');
      }
      for (const table of insertionOrder(scratch)) {
        if (!targetTables.has(table)) throw new InvalidInputError(`The export has a table '${table}' this PostgreSQL store does not have`);
        const hasRowid = !/WITHOUT\s+ROWID/i.test((scratch.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql);
        const rows = scratch.prepare(`SELECT * FROM ${quote(table)}${hasRowid ? ' ORDER BY rowid' : ''}`).iterate() as IterableIterator<Record<string, unknown>>;
        let batch: Record<string, unknown>[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          await insertRows(client, table, batch);
          batch = [];
        };
        for (const row of rows) {
          batch.push(row);
          if (batch.length >= 500) await flush();
        }
        await flush();
      }
    });
    return header;
  } finally {
    scratch.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Many rows in one statement (parameters numbered per row). */
async function insertRows(client: pg.PoolClient, table: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = Object.keys(rows[0] ?? {});
  const values: unknown[] = [];
  const tuples = rows.map(
    (row) =>
      `(${columns
        .map((column) => {
          values.push(row[column] ?? null);
          return `$${values.length}`;
        })
        .join(', ')})`,
  );
  await client.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
}

/** Tables in an order where every table comes after the tables its foreign keys reference. */
function insertionOrder(db: Database.Database): string[] {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
  const references = new Map(tables.map((table) => [table, (db.pragma(`foreign_key_list(${quote(table)})`) as { table: string }[]).map((fk) => fk.table).filter((other) => other !== table)]));
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const other of references.get(table) ?? []) visit(other, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}
