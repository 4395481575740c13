import type { z } from 'zod';

import { InvalidInputError } from '../errors.js';

/**
 * What an issue says to a person. zod wraps the message a contract gives a record's keys (e.g.
 * "variable names are letters, digits and _") in a generic "Invalid key in record"; the inner
 * message is the one written for people.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues.map((inner) => inner.message).join('; ');
  return issue.message;
}

/** Parses untrusted input with a schema; a mismatch is a 400 naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    elementId: null,
    message: issue.path.length ? `${issue.path.join('.')}: ${messageOf(issue)}` : messageOf(issue),
  }));
  throw new InvalidInputError(`Invalid ${what}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
