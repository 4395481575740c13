import type { z } from 'zod';

import { InvalidInputError } from '../errors.js';

/** Parses untrusted input with a schema; a mismatch is a 400 naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    elementId: null,
    message: issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  }));
  throw new InvalidInputError(`Invalid ${what}: ${issues.map((issue) => issue.message).join('; ')}`, issues);
}
