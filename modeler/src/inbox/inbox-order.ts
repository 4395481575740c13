/**
 * Which tasks the inbox shows and in what order: the riskiest first (breached, at risk, on time,
 * no SLA), then the highest priority, then the oldest. Pure, so the order is tested without a page.
 */
import type { LiveTask } from '../../../server/live/live-events.js';
import { slaText } from './sla-words.js';

export type InboxFilter = 'all' | 'mine' | 'department';

export interface Viewer {
  username: string;
  departments: readonly string[];
}

const RISK = { breached: 0, 'at-risk': 1, 'on-time': 2, none: 3 } as const;

export function compareTasks(a: LiveTask, b: LiveTask, now: Date): number {
  return RISK[slaText(a, now).state] - RISK[slaText(b, now).state] || (b.priority ?? -1) - (a.priority ?? -1) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
}

export function matchesFilter(task: LiveTask, filter: InboxFilter, viewer: Viewer): boolean {
  switch (filter) {
    case 'mine':
      return task.assignee === viewer.username;
    case 'department':
      return task.department !== null && viewer.departments.includes(task.department);
    case 'all':
      return true;
  }
}

/** The ticket number contains the search text (case and spaces ignored). */
export function matchesSearch(task: LiveTask, search: string): boolean {
  const wanted = search.replace(/\s+/g, '').toUpperCase();
  return wanted === '' || task.ticketNumber.toUpperCase().includes(wanted);
}

/** The two lists of the page: the viewer's own tasks, and the rest of what they see (the queue). */
export function inboxSections(tasks: Iterable<LiveTask>, filter: InboxFilter, search: string, viewer: Viewer, now: Date): { mine: LiveTask[]; queue: LiveTask[] } {
  const shown = [...tasks].filter((task) => task.status === 'open' && matchesFilter(task, filter, viewer) && matchesSearch(task, search)).sort((a, b) => compareTasks(a, b, now));
  return { mine: shown.filter((task) => task.assignee === viewer.username), queue: shown.filter((task) => task.assignee !== viewer.username) };
}
