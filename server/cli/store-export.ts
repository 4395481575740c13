/**
 * `npm run export -- <file>` (or `-` for stdout): the whole store as a Baton export
 * (server/stores/sqlite/sqlite-export.ts describes the format), read as one consistent moment;
 * Baton may keep running. Uses the server's configuration (BATON_DATA_DIR, or BATON_DATABASE_URL
 * for PostgreSQL). Exit 0 done, 2 could not run.
 */
import { closeSync, existsSync, openSync, unlinkSync, writeSync } from 'node:fs';

import { loadConfig } from '../config.js';
import { exportStore, StoreMissingError } from '../stores/open-store.js';
import { exportedRows } from '../stores/sqlite/sqlite-export.js';

async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npm run export -- <file.ndjson | ->');
    return 2;
  }
  const config = loadConfig();
  if (target !== '-' && existsSync(target)) {
    console.error(`export cannot run: ${target} exists; choose a new file name`);
    return 2;
  }
  // Written synchronously, in chunks: a stream would buffer a whole large store in memory before
  // the first byte reached the disk.
  const fd = target === '-' ? 1 : openSync(target, 'wx');
  let chunk = '';
  const flush = () => {
    if (chunk) writeSync(fd, chunk);
    chunk = '';
  };
  try {
    const header = await exportStore(config, (line) => {
      chunk += line;
      if (chunk.length >= 1 << 20) flush();
    });
    flush();
    if (fd !== 1) {
      const rows = exportedRows(header);
      console.error(`exported ${rows} rows of ${Object.keys(header.tables).length} tables (schema ${header.schemaVersion}) to ${target}`);
    }
  } catch (err) {
    // No half-written export is left behind under the name the user chose.
    if (fd !== 1) {
      closeSync(fd);
      unlinkSync(target);
    }
    if (!(err instanceof StoreMissingError)) throw err;
    console.error(`export cannot run: ${err.message}`);
    return 2;
  }
  if (fd !== 1) closeSync(fd);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`export failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
