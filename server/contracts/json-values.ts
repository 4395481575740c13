/**
 * Values no JSON edge accepts, whatever the route: keys that reach an object's prototype when
 * assigned (`__proto__`, `constructor`, `prototype`) and numbers JSON cannot hold (`1e400` parses
 * to Infinity, which SQLite would keep as null while the engine decides on Infinity). Pure, so the
 * contracts (and the browser) can use it; the HTTP middleware is in server/http/hostile-values.ts.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper than any legitimate body; the walk stops there (variablesSchema refuses depth > 20 anyway). */
const MAX_WALK_DEPTH = 64;

export interface HostileValue {
  /** Where it sits, e.g. `variables.amount` or `items.3.__proto__`. */
  path: string;
  message: string;
}

/** The first hostile key or number in a parsed JSON value, or null when there is none. */
export function findHostileValue(value: unknown, path: string[] = [], depth = 0): HostileValue | null {
  // PostgreSQL stores no NUL in text or jsonb (SQLite would): refused here alike on both stores.
  if (typeof value === 'string') return value.includes('\u0000') ? { path: path.join('.'), message: 'must not contain the NUL character' } : null;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { path: path.join('.'), message: 'must be a finite number' };
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_WALK_DEPTH) return { path: path.join('.'), message: `nests deeper than ${MAX_WALK_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findHostileValue(value[index], [...path, String(index)], depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return { path: [...path, key].join('.'), message: `the key '${key}' is not allowed` };
    if (key.includes('\u0000')) return { path: path.join('.'), message: 'a key must not contain the NUL character' };
    const found = findHostileValue((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}
