import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * OMG MIWG reference diagrams: in the workplace's shared/ folder beside this repository
 * (CC-BY 3.0, not copied in), or where BATON_MIWG_DIR points.
 */
export const MIWG_DIR =
  process.env['BATON_MIWG_DIR'] ??
  // Beside a clone in the workplace (../shared), or beside a worktree one level deeper (../../shared).
  [resolve('..', 'shared', 'conformance', 'miwg'), resolve('..', '..', 'shared', 'conformance', 'miwg')].find((dir) => existsSync(dir)) ??
  resolve('..', 'shared', 'conformance', 'miwg');

/** The .bpmn files of the MIWG folder, sorted. */
export function miwgFiles(): string[] {
  return readdirSync(MIWG_DIR)
    .filter((file) => file.endsWith('.bpmn'))
    .sort();
}

export function miwgPath(file: string): string {
  return join(MIWG_DIR, file);
}
