/**
 * "due in 3 h working time (Mon 10:00)": a due time said in the working time of the calendar it
 * counts in, and as a moment on the clock, in the viewer's locale and time zone. Pure (pages use it).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Working time as people say it: "less than a minute", "40 min", "3 h", "26 h 30 min" (working hours do not make days). */
export function workingDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'less than a minute';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  const hours = Math.floor(abs / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

/** "Mon 10:00" (this week) or "Mon 7 Dec, 10:00" (later), in the viewer's locale and zone. */
export function dueMoment(at: Date, now: Date, locale = 'en', timeZone?: string): string {
  const soon = Math.abs(at.getTime() - now.getTime()) < 6 * 24 * HOUR;
  const options: Intl.DateTimeFormatOptions = soon
    ? { weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(locale, { ...options, ...(timeZone && { timeZone }) }).format(at);
}
