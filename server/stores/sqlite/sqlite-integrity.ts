import type Database from 'better-sqlite3';

import { StoreCorruptError } from '../../errors.js';

/** What to do about a damaged database, from docs/deploy.md ("Back up and restore"). */
export const RESTORE_STEPS = [
  'Stop every Baton process using this data directory and keep the damaged file for later analysis.',
  'Restore the latest backup into a NEW data directory: BATON_DATA_DIR=<new dir> npm run import -- <backup>.ndjson',
  '(or copy an SQLite online backup to <new dir>/baton.db).',
  'Start Baton on the new directory with the same audit key and anchor (BATON_AUDIT_KEY_FILE, BATON_AUDIT_ANCHOR_FILE).',
  'Run npm run audit:verify: it checks every audit chain and checkpoint against the key.',
  'See docs/deploy.md, "Back up and restore".',
];

/** The database's own check; `quick` skips the index-vs-table comparison (seconds on a large file). */
export function integrityProblems(db: Database.Database, mode: 'quick' | 'full'): string[] {
  const rows = db.pragma(mode === 'quick' ? 'quick_check(20)' : 'integrity_check(100)') as Record<string, string>[];
  const problems = rows.map((row) => Object.values(row)[0] ?? '').filter((text) => text !== 'ok');
  return problems;
}

/** The error a damaged file becomes: what SQLite found, and the restore steps. */
export function corruptStoreError(file: string, problems: string[]): StoreCorruptError {
  const shown = problems.slice(0, 5).map((problem) => `  - ${problem}`);
  const more = problems.length > 5 ? [`  (and ${problems.length - 5} more)`] : [];
  const steps = RESTORE_STEPS.map((step, index) => `  ${index + 1}. ${step}`);
  return new StoreCorruptError(
    [`The database ${file} is damaged; Baton will not start on it.`, 'SQLite found:', ...shown, ...more, 'To restore:', ...steps].join('\n'),
    problems.map((message) => ({ elementId: null, message })),
  );
}

/** SQLite's codes for a file that is not (or no longer) a database. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
