import { InvalidInputError } from '../errors.js';

/**
 * Values no JSON edge accepts, whatever the route: keys that reach an object's prototype when
 * assigned (`__proto__`, `constructor`, `prototype`) and numbers JSON cannot hold (`1e400` parses
 * to Infinity, which SQLite would keep as null while the engine decides on Infinity).
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

/** `field: message` for an error text; the field is `(body)` when the whole value is at fault. */
export function hostileValueText(found: HostileValue): string {
  return `${found.path || '(body)'}: ${found.message}`;
}

/** Express middleware before every route: a NUL (`%00`) in the path or query is a 400, whatever the store. */
export function refuseNulInUrl(req: { originalUrl: string }, _res: unknown, next: (err?: unknown) => void): void {
  if (!/%00/i.test(req.originalUrl) && !req.originalUrl.includes('\u0000')) return next();
  next(new InvalidInputError('The address must not contain the NUL character (%00)'));
}

/** Express middleware after a JSON body parser: a hostile value anywhere in the body is a 400 naming it. */
export function refuseHostileBody(req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void {
  const found = req.body === undefined ? null : findHostileValue(req.body);
  if (!found) return next();
  const text = hostileValueText(found);
  next(new InvalidInputError(`Invalid request body: ${text}`, [{ elementId: null, message: text }]));
}
