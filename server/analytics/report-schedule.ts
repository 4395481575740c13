import { DateTime, IANAZone } from 'luxon';

/** Whether `zone` is an IANA time zone Baton can compute dates in. */
export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The next "1st of the month at `hour`" in `zone` strictly after `after`, as a UTC instant:
 * the moment a department's monthly report is due.
 */
export function nextDelivery(after: Date, zone: string, hour: number): string {
  const local = DateTime.fromJSDate(after, { zone });
  let due = local.startOf('month').set({ hour });
  if (due <= local) due = local.startOf('month').plus({ months: 1 }).set({ hour });
  const iso = due.toUTC().toISO();
  // null only for an invalid DateTime: an unknown zone, which the settings refuse before they are stored.
  if (iso === null) throw new RangeError(`No delivery time in zone ${zone}`);
  return iso;
}

/** The month a delivery due at `dueAt` reports on: the one before, in the department's zone. */
export function reportedMonth(dueAt: string, zone: string): string {
  return DateTime.fromISO(dueAt, { zone }).minus({ months: 1 }).toFormat('yyyy-MM');
}
