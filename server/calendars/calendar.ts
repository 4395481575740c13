/**
 * A business calendar: when an organisation works. Its shape is part of the API, so it lives in
 * contracts/calendars.ts (and the weekdays in the zod-free contracts/lists.ts, which pages import at run time).
 */
export { WEEKDAYS } from '../contracts/lists.js';
export type { CalendarException, CalendarRecord, Holiday, Weekday, WorkingInterval } from '../contracts/calendars.js';
