/**
 * Cron cycles: Camunda 7 accepts a Quartz cron expression as a timer's `timeCycle`
 * (`0 0 9 * * ?`: every day at 9:00). Baton reads them with cron-parser (seconds field, `?`, `L`,
 * `#`), in the server's time zone (TZ) as Camunda does. Quartz's optional seventh field (the year)
 * is accepted when it is `*` or `?` and refused otherwise. A cron cycle repeats without end; like
 * every timer its due time is computed by Baton's clock and saved with the step.
 */
import { CronExpressionParser } from 'cron-parser';

/** Not an ISO 8601 cycle (`R…`) or duration, and five to seven fields: a cron expression. */
export function isCron(value: string): boolean {
  const text = value.trim();
  if (/^[RP]/.test(text)) return false;
  const fields = text.split(/\s+/).length;
  return fields >= 5 && fields <= 7;
}

function forParser(value: string): string {
  const fields = value.trim().split(/\s+/);
  if (fields.length === 7) {
    const year = fields.pop();
    if (year !== '*' && year !== '?') throw new Error(`the year field '${year}' is not supported (use * or leave it out)`);
  }
  return fields.join(' ');
}

/** The first occurrence strictly after `after`. @throws Error when the expression is not a cron Baton reads */
export function nextCron(value: string, after: Date): Date {
  return CronExpressionParser.parse(forParser(value), { currentDate: after }).next().toDate();
}

/** Why the cron expression cannot be used, or null. */
export function cronProblem(value: string): string | null {
  try {
    nextCron(value, new Date('2000-01-01T00:00:00Z'));
    return null;
  } catch (err) {
    return `is not a cron expression Baton reads (${err instanceof Error ? err.message : String(err)})`;
  }
}
