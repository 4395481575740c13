/**
 * Store errors that are not bugs but the disk or the database failing underneath (full disk, I/O
 * error, read-only file, lost connection): answered 503 STORE_UNAVAILABLE with Retry-After, not
 * 500. Adapter-agnostic: SQLite result codes and PostgreSQL SQLSTATEs / socket codes side by side.
 */
const FAULTS: [RegExp, string][] = [
  [/^SQLITE_FULL$/, 'the disk or the database is full'],
  [/^SQLITE_IOERR/, 'the disk failed a read or a write'],
  [/^SQLITE_READONLY/, 'the database file cannot be written'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened'],
  [/^53100$/, 'the disk or the database is full'],
  [/^53[0-9A-Z]{3}$/, 'the database is out of resources'],
  [/^(08[0-9A-Z]{3}|57P0[1-3])$/, 'the database connection was lost'],
  [/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/, 'the database cannot be reached'],
  [/^(ENOSPC|EIO|EROFS)$/, 'the disk failed a read or a write'],
];

/** What is wrong with the store, in words, when `err` is a store fault; null for anything else. */
export function storeFaultOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  return FAULTS.find(([pattern]) => pattern.test(code))?.[1] ?? null;
}
