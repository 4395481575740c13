/**
 * `npm run integrity:check`: SQLite's full `PRAGMA integrity_check` on the store of BATON_DATA_DIR
 * (every page, every index against its table). Safe while Baton runs (it only reads).
 *
 * Exit status: 0 the file is sound; 1 it is damaged (the problems and the restore steps are
 * printed); 2 the check could not run (no database, bad configuration).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

import { loadConfig } from '../config.js';
import { corruptStoreError, integrityProblems, isCorruption } from '../stores/sqlite/sqlite-integrity.js';

function main(): number {
  let file: string;
  try {
    file = loadConfig().databaseFile;
  } catch (err) {
    console.error(`integrity:check cannot run: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`integrity:check cannot run: no database at ${file} (set BATON_DATA_DIR)`);
    return 2;
  }
  let problems: string[];
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      problems = integrityProblems(db, 'full');
    } finally {
      db.close();
    }
  } catch (err) {
    if (!isCorruption(err)) throw err;
    problems = [(err as Error).message];
  }
  if (problems.length === 0) {
    console.log(`OK: ${file} passes SQLite's integrity check`);
    return 0;
  }
  console.error(corruptStoreError(file, problems).message);
  return 1;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`integrity:check failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
