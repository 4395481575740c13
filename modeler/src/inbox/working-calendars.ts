/**
 * Reads the business calendars and the departments' choice of one (issue 16), so the inbox says a
 * task's SLA in working time. Without them (an older server, a failed read) SLAs stay in wall time.
 */
import { workingTime, type WorkingTime } from '../../../server/calendars/business-time.js';
import type { CalendarRecord } from '../../../server/calendars/calendar.js';
import { json } from '../shared/api.js';
import { setWorkingCalendars } from './sla-words.js';

export async function loadWorkingCalendars(departments: readonly { id: string; calendarId?: string | null }[]): Promise<void> {
  const calendars = await json<CalendarRecord[]>('GET', '/api/calendars').catch(() => [] as CalendarRecord[]);
  const compiled = new Map<string, WorkingTime>();
  for (const calendar of calendars) {
    try {
      compiled.set(calendar.id, workingTime(calendar));
    } catch {
      // A calendar the browser cannot compute with (an unknown zone here): its tasks keep wall time.
    }
  }
  const byDepartment = new Map(departments.map((department) => [department.id, department.calendarId ?? null]));
  setWorkingCalendars((department) => {
    const id = department === null ? null : (byDepartment.get(department) ?? null);
    return id === null ? null : (compiled.get(id) ?? null);
  });
}
