import type { CalendarRecord, Holiday } from './calendar.js';
import type { CalendarStore } from './calendar.store.js';

const OFFICE_DAY: [string, string][] = [['09:00', '18:00']];

/**
 * Germany's nationwide public holidays: the fixed ones repeat yearly, the Easter-dependent ones
 * are listed per year (data, not computed). Years not listed keep their fixed holidays only;
 * an admin imports the rest from an .ics file.
 */
const FIXED: Holiday[] = [
  { date: '--01-01', name: "New Year's Day" },
  { date: '--05-01', name: 'Labour Day' },
  { date: '--10-03', name: 'Day of German Unity' },
  { date: '--12-25', name: 'Christmas Day' },
  { date: '--12-26', name: 'Second Day of Christmas' },
];
const MOVABLE: Record<number, Holiday[]> = {
  2026: [
    { date: '2026-04-03', name: 'Good Friday' },
    { date: '2026-04-06', name: 'Easter Monday' },
    { date: '2026-05-14', name: 'Ascension Day' },
    { date: '2026-05-25', name: 'Whit Monday' },
  ],
  2027: [
    { date: '2027-03-26', name: 'Good Friday' },
    { date: '2027-03-29', name: 'Easter Monday' },
    { date: '2027-05-06', name: 'Ascension Day' },
    { date: '2027-05-17', name: 'Whit Monday' },
  ],
  2028: [
    { date: '2028-04-14', name: 'Good Friday' },
    { date: '2028-04-17', name: 'Easter Monday' },
    { date: '2028-05-25', name: 'Ascension Day' },
    { date: '2028-06-05', name: 'Whit Monday' },
  ],
};

export const DEMO_CALENDAR_ID = 'office';

/** Mon–Fri 09:00–18:00 with this year's (and next year's) public holidays. */
export function demoCalendar(year: number, timeZone = 'Europe/Berlin'): CalendarRecord {
  return {
    id: DEMO_CALENDAR_ID,
    name: 'Office hours (Mon–Fri 09:00–18:00)',
    timeZone,
    week: { mon: OFFICE_DAY, tue: OFFICE_DAY, wed: OFFICE_DAY, thu: OFFICE_DAY, fri: OFFICE_DAY },
    holidays: [...FIXED, ...(MOVABLE[year] ?? []), ...(MOVABLE[year + 1] ?? [])],
    exceptions: [],
  };
}

/** The demo calendar into a store without calendars, worked by the given departments. */
export async function seedDemoCalendar(store: CalendarStore, year: number, departments: string[]): Promise<boolean> {
  if ((await store.list()).length > 0) return false;
  await store.upsert(demoCalendar(year));
  for (const department of departments) await store.setDepartmentCalendar(department, DEMO_CALENDAR_ID);
  return true;
}
