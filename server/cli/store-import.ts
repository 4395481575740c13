/**
 * `npm run import -- <file>`: loads a Baton export (of either store) into the store the server's
 * configuration names (BATON_DATA_DIR, or BATON_DATABASE_URL for PostgreSQL), which must be new
 * or empty; all or nothing. Then start Baton on it with the same audit key, so the chains'
 * checkpoints verify. Exit 0 done, 1 the export was refused, 2 could not run.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { BatonError } from '../errors.js';
import { loadConfig } from '../config.js';
import { describeStore, importStore } from '../stores/open-store.js';
import { exportedRows } from '../stores/sqlite/sqlite-export.js';

async function main(): Promise<number> {
  const source = process.argv[2];
  if (!source || !existsSync(source)) {
    console.error(source ? `import cannot run: no file ${source}` : 'usage: npm run import -- <file.ndjson>');
    return 2;
  }
  const config = loadConfig();
  try {
    const lines = createInterface({ input: createReadStream(source, 'utf8'), crlfDelay: Infinity });
    const header = await importStore(config, lines);
    const rows = exportedRows(header);
    console.error(`imported ${rows} rows of ${Object.keys(header.tables).length} tables (exported ${header.exportedAt}) into ${describeStore(config).location}`);
    return 0;
  } catch (err) {
    if (!(err instanceof BatonError)) throw err;
    console.error(`import refused: ${err.message}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`import failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
