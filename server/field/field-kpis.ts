/**
 * Field KPIs per technician for one month, from what the visits left behind: their completed visit
 * tasks (fixed or not), the `visit.*` audit events (ETA kept or not, distance, time on site), the
 * stock moves (parts used) and the customers' ratings. Read on demand; a month of a mid-sized
 * field team is a few hundred tickets.
 */
import type { AuditStore } from '../audit/audit.store.js';
import type { CustomerStore } from '../customer/customer.store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import { TECHNICIANS } from './field.service.js';
import type { FieldStore } from './field.store.js';

export interface TechnicianKpis {
  username: string;
  visits: number;
  /** Tickets whose first visit was theirs, and how many of those were fixed on it. */
  firstVisits: number;
  firstTimeFixRate: number | null;
  arrivals: number;
  onTimeRate: number | null;
  medianTimeOnSiteMs: number | null;
  travelKm: number;
  partsUsed: number;
  csat: { average: number | null; count: number };
}

export interface FieldKpis {
  month: string;
  technicians: TechnicianKpis[];
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);

/** `YYYY-MM` → [first instant, first instant of the next month) in UTC, as ISO strings. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(year, mon - 1, 1)).toISOString(), to: new Date(Date.UTC(year, mon, 1)).toISOString() };
}

/** A technician's completed visit in the month: it has its end and the person who completed it. */
type Visit = TaskRecord & { endedAt: string; completedBy: string };

export async function fieldKpis(deps: { tasks: TaskStore; audit: AuditStore; field: FieldStore; customer: CustomerStore }, month: string, only?: string): Promise<FieldKpis> {
  const { from, to } = monthRange(month);
  const visits = (await deps.tasks.list({ department: TECHNICIANS, status: 'completed' })).filter(
    (task): task is Visit => task.endedAt !== null && task.endedAt >= from && task.endedAt < to && Boolean(task.completedBy),
  );
  const byInstance = new Map<string, Visit[]>();
  for (const task of visits) byInstance.set(task.instanceId, [...(byInstance.get(task.instanceId) ?? []), task]);
  const rows = new Map<string, TechnicianKpis & { onSite: number[]; ratings: number[]; onTime: number }>();
  const row = (username: string) => {
    let entry = rows.get(username);
    if (!entry) {
      entry = {
        username,
        visits: 0,
        firstVisits: 0,
        firstTimeFixRate: 0,
        arrivals: 0,
        onTimeRate: null,
        medianTimeOnSiteMs: null,
        travelKm: 0,
        partsUsed: 0,
        csat: { average: null, count: 0 },
        onSite: [],
        ratings: [],
        onTime: 0,
      };
      rows.set(username, entry);
    }
    return entry;
  };
  const fixedFirst = new Map<string, number>();

  for (const [instanceId, done] of byInstance) {
    const all = (await deps.tasks.list({ instanceId, department: TECHNICIANS })).filter((task) => task.status === 'completed').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const first = all[0];
    const firstDone = first && done.find((task) => task.id === first.id);
    if (first && firstDone) {
      const tech = row(firstDone.completedBy);
      tech.firstVisits++;
      if (first.output?.['fixed'] === true) fixedFirst.set(tech.username, (fixedFirst.get(tech.username) ?? 0) + 1);
    }
    for (const task of done) row(task.completedBy).visits++;
    const events = await deps.audit.forInstance(instanceId);
    for (const event of events) {
      const taskId = event.data['taskId'];
      const task = done.find((candidate) => candidate.id === taskId);
      if (!task) continue;
      const tech = row(task.completedBy);
      if (event.type === 'visit.on-the-way' && typeof event.data['distanceKm'] === 'number') tech.travelKm += event.data['distanceKm'];
      if (event.type === 'visit.arrived') {
        if (typeof event.data['onTime'] === 'boolean') {
          tech.arrivals++;
          if (event.data['onTime']) tech.onTime++;
        }
        tech.onSite.push(Date.parse(task.endedAt) - Date.parse(event.at));
      }
    }
    const last = done.at(-1);
    if (!last) continue;
    const used = (await deps.field.movesOf(instanceId)).filter((move) => move.reason === 'use').reduce((sum, move) => sum - move.delta, 0);
    row(last.completedBy).partsUsed += used;
    const feedback = await deps.customer.feedback(instanceId);
    if (feedback) row(last.completedBy).ratings.push(feedback.rating);
  }

  const technicians = [...rows.values()]
    .filter((entry) => only === undefined || entry.username === only)
    .map(({ onSite, ratings, onTime, ...entry }) => ({
      ...entry,
      firstTimeFixRate: rate(fixedFirst.get(entry.username) ?? 0, entry.firstVisits),
      onTimeRate: rate(onTime, entry.arrivals),
      medianTimeOnSiteMs: median(onSite),
      travelKm: Math.round(entry.travelKm * 10) / 10,
      csat: { average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null, count: ratings.length },
    }))
    .sort((a, b) => a.username.localeCompare(b.username));
  return { month, technicians };
}
