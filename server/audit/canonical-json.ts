/** Canonical JSON, in a module of its own without Node APIs: the browser's replay fold uses it too. */

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The value with object keys sorted at every level (Dates as ISO text, undefined fields dropped).
 * Keys are defined, never assigned: `result["__proto__"] = x` would set the prototype instead of a
 * field, and a `__proto__` key smuggled into stored JSON would then escape the hash.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) Object.defineProperty(result, key, { value: sortKeys(item), enumerable: true, writable: true, configurable: true });
    }
    return result;
  }
  return value;
}
