/**
 * `npm run import -- <file>`: loads a Baton export into the store of BATON_DATA_DIR, which must be
 * new or empty; all or nothing. Then start Baton on that data directory (with the same audit key,
 * so the chains' checkpoints verify). Exit 0 done, 1 the export was refused, 2 could not run.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { BatonError } from '../errors.js';
import { loadConfig } from '../config.js';
import { openSqliteDatabase } from '../stores/sqlite/sqlite-store.js';
import { exportedRows, importSqlite } from '../stores/sqlite/sqlite-export.js';

async function main(): Promise<number> {
  const source = process.argv[2];
  if (!source || !existsSync(source)) {
    console.error(source ? `import cannot run: no file ${source}` : 'usage: npm run import -- <file.ndjson>');
    return 2;
  }
  const config = loadConfig();
  const db = openSqliteDatabase(config.databaseFile);
  try {
    const lines = createInterface({ input: createReadStream(source, 'utf8'), crlfDelay: Infinity });
    const header = await importSqlite(db, lines);
    const rows = exportedRows(header);
    console.error(`imported ${rows} rows of ${Object.keys(header.tables).length} tables (exported ${header.exportedAt}) into ${config.databaseFile}`);
    return 0;
  } catch (err) {
    if (!(err instanceof BatonError)) throw err;
    console.error(`import refused: ${err.message}`);
    return 1;
  } finally {
    db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`import failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
