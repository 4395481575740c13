import type Database from 'better-sqlite3';

import { InvalidInputError } from '../../errors.js';
import { SCHEMA_VERSION, migrate, schemaVersion } from './sqlite-schema.js';

/**
 * The export format: newline-delimited JSON. The first line describes the export; every other line
 * is one stored row, `{ "t": table, "r": { column: value } }`, in table then rowid order, with bytes
 * as `{ "$bytes": base64 }`. Rows are carried as stored (engine states, audit hashes, password
 * hashes, timer jobs), so an import is the same store, and the audit chains verify with the same
 * key. A store of another kind reads the rows through this store's own row mappers.
 */
export const EXPORT_FORMAT = 'baton-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  store: 'sqlite';
  schemaVersion: number;
  exportedAt: string;
  /** Rows per table: the import checks it received exactly these. */
  tables: Record<string, number>;
}

type Row = Record<string, unknown>;

interface TableInfo {
  name: string;
  sql: string;
}

function tableInfo(db: Database.Database): TableInfo[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as TableInfo[];
}

/** The rows an export holds, all tables together (what the CLI reports). */
export function exportedRows(header: Pick<ExportHeader, 'tables'>): number {
  return Object.values(header.tables).reduce((sum, n) => sum + n, 0);
}

function tablesOf(db: Database.Database): string[] {
  return tableInfo(db).map((table) => table.name);
}

/** Insertion order where there is a rowid; a WITHOUT ROWID table reads in its key order anyway. */
function orderOf(table: TableInfo): string {
  return /WITHOUT\s+ROWID/i.test(table.sql) ? '' : ' ORDER BY rowid';
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

function encode(row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) out[column] = Buffer.isBuffer(value) ? { $bytes: value.toString('base64') } : value;
  return out;
}

function decode(row: Row): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    const bytes = typeof value === 'object' && value !== null && '$bytes' in value ? (value as { $bytes: unknown }).$bytes : undefined;
    out[column] = typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : value;
  }
  return out;
}

/**
 * Writes the whole store, read in one transaction so the export is one consistent moment even
 * while Baton runs. `write` receives one line at a time (with its newline).
 */
export function exportSqlite(db: Database.Database, write: (line: string) => void, now: Date = new Date()): ExportHeader {
  const read = db.transaction(() => {
    const info = tableInfo(db);
    const tables = info.map((table) => table.name);
    const header: ExportHeader = {
      format: EXPORT_FORMAT,
      formatVersion: EXPORT_FORMAT_VERSION,
      store: 'sqlite',
      schemaVersion: schemaVersion(db),
      exportedAt: now.toISOString(),
      tables: Object.fromEntries(tables.map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n])),
    };
    write(`${JSON.stringify(header)}\n`);
    for (const table of info) {
      for (const row of db.prepare(`SELECT * FROM ${quote(table.name)}${orderOf(table)}`).iterate() as IterableIterator<Row>) {
        write(`${JSON.stringify({ t: table.name, r: encode(row) })}\n`);
      }
    }
    return header;
  });
  return read.deferred();
}

function parseLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    throw new InvalidInputError(`Line ${lineNumber} of the export is not JSON: the file is damaged or not a Baton export`);
  }
}

function readHeader(first: string | undefined): ExportHeader {
  const header = first === undefined ? undefined : (parseLine(first, 1) as Partial<ExportHeader>);
  if (!header || header.format !== EXPORT_FORMAT) throw new InvalidInputError('This is not a Baton export (its first line does not say baton-export)');
  if (header.formatVersion !== EXPORT_FORMAT_VERSION) {
    throw new InvalidInputError(`Export format version ${String(header.formatVersion)} is not supported (this Baton reads version ${EXPORT_FORMAT_VERSION})`);
  }
  const { schemaVersion } = header;
  if (schemaVersion === undefined || !Number.isInteger(schemaVersion) || schemaVersion < 1) throw new InvalidInputError('The export does not say its schema version');
  if (schemaVersion > SCHEMA_VERSION) {
    throw new InvalidInputError(`The export comes from a newer Baton (schema ${header.schemaVersion}, this one has ${SCHEMA_VERSION}): import it with that version`);
  }
  if (typeof header.tables !== 'object' || header.tables === null) throw new InvalidInputError('The export does not list its tables');
  return header as ExportHeader;
}

/**
 * Loads an export into an empty database, all or nothing: the schema is first brought to the
 * export's version, the rows go in in one transaction and are counted against the header, foreign
 * keys are checked, and then the later migrations run, so an export of an older Baton imports
 * into a newer one. Timer jobs lose their locks: the node that held them is not this one.
 */
export async function importSqlite(db: Database.Database, lines: AsyncIterable<string>): Promise<ExportHeader> {
  if (schemaVersion(db) > 0 && tablesOf(db).some((table) => (db.prepare(`SELECT 1 FROM ${quote(table)} LIMIT 1`).get() ?? null) !== null)) {
    throw new InvalidInputError('The target store is not empty: import only into a new data directory');
  }
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = readHeader(first.done ? undefined : first.value);
  if (schemaVersion(db) > header.schemaVersion) {
    throw new InvalidInputError(`The target store is at schema ${schemaVersion(db)}, newer than the export's ${header.schemaVersion}: import into a new data directory`);
  }
  migrate(db, header.schemaVersion);
  const known = new Set(tablesOf(db));
  for (const table of Object.keys(header.tables)) {
    if (!known.has(table)) throw new InvalidInputError(`The export has a table '${table}' that schema ${header.schemaVersion} does not have`);
  }

  const inserts = new Map<string, Database.Statement>();
  const insert = (table: string, row: Row): void => {
    const columns = Object.keys(row);
    const key = `${table}(${columns.join(',')})`;
    let statement = inserts.get(key);
    if (!statement) {
      statement = db.prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      inserts.set(key, statement);
    }
    statement.run(table === 'agenda_jobs' ? { ...row, locked_at: null } : row);
  };

  // Rows reference each other across tables (credentials → users); checked once all are in.
  db.pragma('foreign_keys = OFF');
  db.exec('BEGIN IMMEDIATE');
  try {
    const received: Record<string, number> = {};
    let lineNumber = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      lineNumber += 1;
      if (next.value.trim() === '') continue;
      const record = parseLine(next.value, lineNumber) as { t?: unknown; r?: unknown };
      if (typeof record.t !== 'string' || !known.has(record.t) || typeof record.r !== 'object' || record.r === null) {
        throw new InvalidInputError(`Line ${lineNumber} of the export is not a row of a known table`);
      }
      try {
        insert(record.t, decode(record.r as Row));
      } catch (err) {
        throw new InvalidInputError(`Line ${lineNumber} (${record.t}) cannot be stored: ${err instanceof Error ? err.message : String(err)}`);
      }
      received[record.t] = (received[record.t] ?? 0) + 1;
    }
    for (const [table, count] of Object.entries(header.tables)) {
      if ((received[table] ?? 0) !== count) {
        throw new InvalidInputError(`The export is incomplete: ${table} has ${received[table] ?? 0} of ${count} rows (the file was cut short?)`);
      }
    }
    const broken = db.pragma('foreign_key_check') as { table: string }[];
    const [firstBroken] = broken;
    if (firstBroken) throw new InvalidInputError(`The export is inconsistent: ${broken.length} row(s) of ${firstBroken.table} point at rows it does not have`);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  } finally {
    db.pragma('foreign_keys = ON');
  }
  migrate(db);
  return header;
}
