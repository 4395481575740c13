/**
 * The calendar ids a diagram names: `baton:calendar="…"` on timers and the process property
 * `calendar`. A text scan, not a parse: it answers "is this calendar in use" for every deployed
 * process without parsing each diagram again. "department" is not a calendar id (it is resolved per task).
 */
const TIMER_CALENDAR = /baton:calendar\s*=\s*"([^"]*)"/g;
const PROCESS_CALENDAR = /<camunda:property\s+name="calendar"\s+value="([^"]*)"/g;

export function calendarsNamedIn(xml: string): Set<string> {
  const ids = new Set<string>();
  for (const pattern of [TIMER_CALENDAR, PROCESS_CALENDAR]) {
    for (const match of xml.matchAll(pattern)) if (match[1] && match[1] !== 'department') ids.add(match[1]);
  }
  return ids;
}
