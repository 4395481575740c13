// canonical-json, not audit-chain: no Node APIs, so the browser's replay fold can use this module too.
import { canonicalJson } from './canonical-json.js';

/** How process variables changed in one step: what was set (added or changed) and what was removed. */
export interface VariableDiff {
  set: Record<string, unknown>;
  removed: string[];
}

/** Null when nothing changed. Values compare by canonical JSON, so key order never counts as a change. */
export function diffVariables(before: Record<string, unknown>, after: Record<string, unknown>): VariableDiff | null {
  const set: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, name) || canonicalJson(before[name]) !== canonicalJson(value)) set[name] = value;
  }
  const removed = Object.keys(before).filter((name) => !Object.hasOwn(after, name));
  return Object.keys(set).length === 0 && removed.length === 0 ? null : { set, removed };
}

/** The variables after a diff: what replay folds step by step. */
export function applyVariableDiff(variables: Record<string, unknown>, diff: VariableDiff): Record<string, unknown> {
  const next = { ...variables, ...diff.set };
  for (const name of diff.removed) delete next[name];
  return next;
}
