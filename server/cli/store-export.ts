/**
 * `npm run export -- <file>` (or `-` for stdout): the whole embedded store as a Baton export
 * (server/stores/sqlite/sqlite-export.ts), read as one consistent moment; Baton may keep running.
 * Uses the server's configuration (BATON_DATA_DIR). Exit 0 done, 2 could not run.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';

import Database from 'better-sqlite3';

import { loadConfig } from '../config.js';
import { exportedRows, exportSqlite } from '../stores/sqlite/sqlite-export.js';

async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npm run export -- <file.ndjson | ->');
    return 2;
  }
  const config = loadConfig();
  if (!existsSync(config.databaseFile)) {
    console.error(`export cannot run: no database at ${config.databaseFile} (set BATON_DATA_DIR)`);
    return 2;
  }
  if (target !== '-' && existsSync(target)) {
    console.error(`export cannot run: ${target} exists; choose a new file name`);
    return 2;
  }
  const db = new Database(config.databaseFile, { readonly: true, fileMustExist: true });
  // A reader needs only the busy timeout: WAL mode is a property of the file, set by the server.
  db.pragma('busy_timeout = 5000');
  // The read is one synchronous transaction, so the file is written synchronously too, in chunks:
  // a stream would buffer a whole large store in memory before the first byte reached the disk.
  const fd = target === '-' ? 1 : openSync(target, 'wx');
  let chunk = '';
  const flush = () => {
    if (chunk) writeSync(fd, chunk);
    chunk = '';
  };
  const header = exportSqlite(db, (line) => {
    chunk += line;
    if (chunk.length >= 1 << 20) flush();
  });
  flush();
  db.close();
  if (fd !== 1) {
    closeSync(fd);
    const rows = exportedRows(header);
    console.error(`exported ${rows} rows of ${Object.keys(header.tables).length} tables (schema ${header.schemaVersion}) to ${target}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`export failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);

