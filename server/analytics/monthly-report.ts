import type { ActionFact, MonthlyFacts } from './analytics.store.js';
import { average, median } from './percentiles.js';

export interface Csat {
  average: number | null;
  count: number;
}

/** The figures of one person or department in a month. */
export interface MonthlyFigures {
  resolved: number;
  passedUp: number;
  handedOver: number;
  escalated: number;
  reopened: number;
  /** Median of claim → completion (created → completion when never claimed), nearest rank. */
  medianHandlingMs: number | null;
  /** Feedback on the tickets this person (department) resolved. */
  csat: Csat;
  /** Feedback on the tickets they passed up: whether the pass-up ended well. */
  passedUpCsat: Csat;
}

export interface MonthlyPerson extends MonthlyFigures {
  username: string;
  department: string | null;
}

export interface MonthlyDepartment extends MonthlyFigures {
  department: string;
  name: string;
}

export interface MonthlyReport {
  month: string;
  departments: MonthlyDepartment[];
  people: MonthlyPerson[];
}

/** Actors that are not people: their actions count for departments only. */
const NOT_PEOPLE = new Set(['system', 'timer', 'api', 'customer']);

/**
 * Groups a month's actions by person and by department. `homeOf` names a person's department
 * (their first), `nameOf` a department's display name.
 */
export function monthlyReport(month: string, facts: MonthlyFacts, homeOf: (username: string) => string | null, nameOf: (department: string) => string): MonthlyReport {
  const ratings = new Map(facts.feedback.map((f) => [f.instanceId, f.rating]));
  const byPerson = group(facts.actions, (a) => (a.username !== null && !NOT_PEOPLE.has(a.username) ? a.username : null));
  const byDepartment = group(facts.actions, (a) => a.department);
  const people = [...byPerson].map(([username, actions]) => ({ username, department: homeOf(username) ?? mostFrequentDepartment(actions), ...figures(actions, ratings) }));
  const departments = [...byDepartment].map(([department, actions]) => ({ department, name: nameOf(department), ...figures(actions, ratings) }));
  people.sort((a, b) => a.username.localeCompare(b.username));
  departments.sort((a, b) => a.department.localeCompare(b.department));
  return { month, departments, people };
}

function figures(actions: ActionFact[], ratings: Map<string, number>): MonthlyFigures {
  const count = (kind: ActionFact['kind']) => actions.filter((a) => a.kind === kind).length;
  const rated = (kind: ActionFact['kind']) => average([...new Set(actions.filter((a) => a.kind === kind).map((a) => a.instanceId))].flatMap((id) => ratings.get(id) ?? []));
  return {
    resolved: count('resolved'),
    passedUp: count('passed-up'),
    handedOver: count('handed-over'),
    escalated: count('escalated'),
    reopened: count('reopened'),
    medianHandlingMs: median(actions.filter((a) => a.kind === 'completed').map((a) => a.durationMs)),
    csat: rated('resolved'),
    passedUpCsat: rated('passed-up'),
  };
}

/** Items by key, in first-seen order; an item whose key is null is left out. */
function group<T>(items: T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function mostFrequentDepartment(actions: ActionFact[]): string | null {
  const counts = new Map<string, number>();
  for (const a of actions) if (a.department) counts.set(a.department, (counts.get(a.department) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
