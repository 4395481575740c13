/**
 * CSV imports of the parts catalogue and the assets (csv-parse): a header row names the columns,
 * every row is validated like a single POST, and a file with any bad row imports nothing and
 * names each bad row.
 */
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';

import { InvalidInputError } from '../errors.js';

const MAX_ROWS = 10_000;

export function parseCsvRows<T extends z.ZodType>(text: string, schema: T, what: string, shape: (row: Record<string, string>) => unknown): z.infer<T>[] {
  // PostgreSQL stores no NUL; refused before any row is imported, on both stores.
  if (text.includes('\u0000')) throw new InvalidInputError(`The ${what} CSV contains the NUL character; nothing was imported`);
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (header: string[]) => header.map((name) => name.trim()), skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as Record<string, string>[];
  } catch (err) {
    throw new InvalidInputError(`The ${what} CSV cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (records.length === 0) throw new InvalidInputError(`The ${what} CSV has no rows under its header`);
  if (records.length > MAX_ROWS) throw new InvalidInputError(`The ${what} CSV has ${records.length} rows; at most ${MAX_ROWS} per file`);
  const issues: { elementId: null; message: string }[] = [];
  const rows: z.infer<T>[] = [];
  records.forEach((record, index) => {
    const result = schema.safeParse(shape(record));
    if (result.success) rows.push(result.data);
    else for (const issue of result.error.issues) issues.push({ elementId: null, message: `row ${index + 2}: ${issue.path.join('.') || 'row'}: ${issue.message}` });
  });
  if (issues.length) throw new InvalidInputError(`The ${what} CSV has ${issues.length} problem(s); nothing was imported`, issues.slice(0, 50));
  return rows;
}
