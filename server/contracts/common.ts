/**
 * Pieces every area's contracts share: names, paging, instants in a query, process variables.
 * Contracts import zod and each other only, never the rest of the server, so the browser pages
 * can import their types (and, when a page wants it, their schemas).
 */
import { z } from 'zod';

import { findHostileValue } from './json-values.js';

/** Names bpmn-engine overwrites at process start; accepting them would silently lose data. */
const RESERVED = new Set(['content', 'fields', 'properties', 'environment']);
const MAX_DEPTH = 20;

function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH) return level;
  if (Array.isArray(value)) return Math.max(level, ...value.map((item) => depth(item, level + 1)));
  if (value !== null && typeof value === 'object') return Math.max(level, ...Object.values(value).map((item) => depth(item, level + 1)));
  return level;
}

/** Process variables: a JSON object with sensible names, not too deep. */
const variableRecord = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _ and start with a letter'), z.unknown()).superRefine((value, ctx) => {
  for (const name of Object.keys(value)) {
    if (RESERVED.has(name)) ctx.addIssue({ code: 'custom', path: [name], message: `'${name}' is reserved by the engine; use another name` });
  }
  if (depth(value) > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: `variables nest deeper than ${MAX_DEPTH} levels` });
});

/**
 * Checked on the raw value, before zod builds its copy: zod silently drops a `__proto__` key, and
 * Infinity (from 1e400) would reach the engine while the store keeps null.
 */
export const variablesSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const hostile = findHostileValue(value);
    if (hostile) ctx.addIssue({ code: 'custom', path: hostile.path ? hostile.path.split('.') : [], message: hostile.message });
  })
  .pipe(variableRecord);

export type Variables = z.infer<typeof variablesSchema>;

/** A key, id or name in a body or query: trimmed, not empty, not huge. */
export const key = z.string().trim().min(1).max(200);

export const limit = z.coerce.number().int().min(1).max(500).default(50);
export const offset = z.coerce.number().int().min(0).default(0);

/**
 * A query string as a page writes it, before the server coerces it: the schema's fields, each
 * optional, as text or a number. A field the route does not take is a compile error in the page.
 */
export type QueryOf<T extends z.ZodType> = { [K in keyof z.input<T>]?: string | number };

/** `limit` and `offset` of a list that has no other filters. */
export const pagingSchema = z.object({ limit, offset });
export type Paging = z.infer<typeof pagingSchema>;

/** Date.parse rolls 2026-02-30 over to March 2; a query naming a day that does not exist is a mistake. */
function realDay(day: string): boolean {
  const [year = 0, month = 0, date = 0] = day.split('-').map(Number);
  const parsed = new Date(Date.UTC(year, month - 1, date));
  return parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === date;
}

/** An instant in a query: ISO 8601 date or date-time; a date alone is midnight UTC. */
export const instant = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/, 'must be an ISO 8601 date or date-time')
  .refine((value) => !Number.isNaN(Date.parse(value)) && realDay(value.slice(0, 10)), 'is not a real date')
  .transform((value) => new Date(value).toISOString());

/** One problem in an error answer or a deploy's warnings; `elementId` names the BPMN element when there is one. */
export interface ErrorIssue {
  /** BPMN element the problem belongs to, when there is one. */
  elementId: string | null;
  message: string;
}

/** The body of every error answer (4xx and 5xx): a stable code, a sentence for people, the problems one by one. */
export interface ErrorBody {
  error: { code: string; message: string; issues: ErrorIssue[] };
}
