import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { AuditCheckpoint } from './audit-checkpoint.js';

/**
 * The newest checkpoint's id and signature, kept in a file apart from the database (beside the
 * key by default). The checkpoints in the database link to each other, so removing one in the
 * middle shows; removing the newest ones, together with the events they sealed, does not — unless
 * something outside the database remembers how far the checkpoints went. This file does.
 */
export interface AuditAnchor {
  id: number;
  at: string;
  signature: string;
}

/** Replaces the anchor atomically (write a temporary file, rename it over the old one). */
export function writeAnchor(file: string, checkpoint: AuditCheckpoint): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const anchor: AuditAnchor = { id: checkpoint.id, at: checkpoint.at, signature: checkpoint.signature };
  writeFileSync(temporary, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The anchor, null when there is no file yet; a file that is not an anchor is reported, not thrown. */
export function readAnchor(file: string): AuditAnchor | null | { unreadable: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { unreadable: `${file}: ${(err as Error).message}` };
  }
  try {
    const value = JSON.parse(text) as Partial<AuditAnchor>;
    if (typeof value.id === 'number' && typeof value.at === 'string' && typeof value.signature === 'string') {
      return { id: value.id, at: value.at, signature: value.signature };
    }
  } catch {
    // falls through
  }
  return { unreadable: `${file} is not an audit anchor` };
}
