import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

import { DataDirLockedError } from '../../errors.js';

export interface DataDirLock {
  release(): void;
}

/**
 * One Baton process per data directory. The lock is an exclusive SQLite lock on `baton.lock`
 * (an OS file lock underneath): the operating system drops it when the process ends, even by
 * SIGKILL, so there is never a stale lock file to delete by hand. A second process is refused
 * with a message naming the directory and the holder's pid.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'baton.lock');
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL)');
    // The first write takes the exclusive lock; in EXCLUSIVE locking mode it is kept until close.
    db.transaction(() => {
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, new Date().toISOString());
    })();
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY') || (err as { code?: string }).code?.startsWith('SQLITE_LOCKED')) {
      throw new DataDirLockedError(`Another Baton process is using the data directory ${dataDir} (lock ${file}). Stop it first, or give this one its own BATON_DATA_DIR.`);
    }
    throw err;
  }
  return {
    release() {
      if (db.open) db.close();
    },
  };
}
