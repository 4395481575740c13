/**
 * The ISO 8601 forms a literal BPMN timer may take. bpmn-engine reads ISO 8601 only (no cron),
 * so these are checked at deploy rather than discovered when the timer is armed.
 */

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const DURATION = new RegExp(`^P(?:${NUMBER}W|(?=\\d|T\\d)(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}D)?(?:T(?=\\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?)$`);
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const CYCLE = /^R(\d*)\/(?:([^/]+)\/)?([^/]+)$/;

/** PnYnMnDTnHnMnS or PnW. */
export function isIsoDuration(value: string): boolean {
  return DURATION.test(value);
}

export interface IsoDateTime {
  /** False when the text carries neither Z nor an offset: it will be read in server time. */
  hasZone: boolean;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A calendar date with a time, optionally seconds, fraction and zone; null when not one. */
export function parseIsoDateTime(value: string): IsoDateTime | null {
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 59) return null;
  return { hasZone: match[7] !== undefined };
}

/** R[n]/<duration> or R[n]/<start date-time>/<duration>. */
export function parseIsoCycle(value: string): IsoDateTime | null {
  const match = CYCLE.exec(value);
  if (!match) return null;
  const [, , start, duration] = match;
  if (duration === undefined || !isIsoDuration(duration)) return null;
  if (start === undefined) return { hasZone: true };
  return parseIsoDateTime(start);
}
