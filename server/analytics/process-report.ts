import type { ActivityFacts, ActivityTaskFact, InstanceFact, ProcessFacts, TaskFact } from './analytics.store.js';
import { average, percentile, spread } from './percentiles.js';

export interface Spread {
  p50: number | null;
  p90: number | null;
}

export interface ActivityFigures {
  elementId: string;
  name: string;
  /** Tokens that passed the activity (user tasks: tasks opened) in the range. */
  count: number;
  queueMs: Spread;
  workMs: Spread;
  waitingOnCustomerMs: { p50: number | null };
  slaBreached: number;
  /** Queue time plus time waiting on the customer, summed: what the bottleneck is judged by. */
  totalWaitingMs: number;
}

export interface ActivitiesReport {
  processKey: string;
  version: number | null;
  from: string;
  to: string;
  activities: ActivityFigures[];
  flows: { elementId: string; count: number }[];
  /** The activity where tickets waited longest in total, or null when none waited. */
  bottleneck: string | null;
}

/** Was the task's SLA breached: escalated by its timer, or ended (or still open) after its due time. */
export function breached(task: Pick<TaskFact, 'escalated' | 'dueAt' | 'endedAt'>, now: number): boolean {
  if (task.escalated) return true;
  if (task.dueAt === null) return false;
  const end = task.endedAt === null ? now : Date.parse(task.endedAt);
  return end > Date.parse(task.dueAt);
}

/** Elapsed time the customer held the task (its whole life: they are the queue and the worker). */
function customerWait(task: ActivityTaskFact): number | null {
  return task.endedAt === null ? null : Date.parse(task.endedAt) - Date.parse(task.createdAt);
}

export function activitiesReport(processKey: string, version: number | null, range: { from: string; to: string }, facts: ActivityFacts, names: Record<string, string>, now: number): ActivitiesReport {
  const byElement = new Map<string, ActivityTaskFact[]>();
  for (const task of facts.tasks) {
    const list = byElement.get(task.elementId);
    if (list) list.push(task);
    else byElement.set(task.elementId, [task]);
  }
  const passed = new Map<string, number>();
  const flows = new Map<string, number>();
  for (const element of facts.elements) {
    const into = element.kind === 'flow' ? flows : passed;
    into.set(element.elementId, (into.get(element.elementId) ?? 0) + element.count);
  }
  const ids = new Set([...byElement.keys(), ...passed.keys()]);
  const activities = [...ids].map((elementId): ActivityFigures => {
    const tasks = byElement.get(elementId) ?? [];
    const staff = tasks.filter((t) => !t.customer);
    const customer = tasks.filter((t) => t.customer);
    const waits = customer.map(customerWait);
    const queue = staff.map((t) => t.queueMs);
    const sum = (values: (number | null)[]) => values.reduce<number>((total, v) => total + (v ?? 0), 0);
    return {
      elementId,
      name: names[elementId] ?? elementId,
      count: tasks.length || (passed.get(elementId) ?? 0),
      queueMs: spread(queue),
      workMs: spread(staff.map((t) => t.workMs)),
      waitingOnCustomerMs: { p50: spread(waits).p50 },
      slaBreached: tasks.filter((t) => breached(t, now)).length,
      totalWaitingMs: sum(queue) + sum(waits),
    };
  });
  activities.sort((a, b) => a.elementId.localeCompare(b.elementId));
  const worst = activities.reduce<ActivityFigures | null>((top, a) => (a.totalWaitingMs > (top?.totalWaitingMs ?? 0) ? a : top), null);
  return {
    processKey,
    version,
    from: range.from,
    to: range.to,
    activities,
    flows: [...flows].map(([elementId, count]) => ({ elementId, count })).sort((a, b) => a.elementId.localeCompare(b.elementId)),
    bottleneck: worst?.elementId ?? null,
  };
}

export interface ThroughputBucket {
  start: string;
  started: number;
  finished: number;
  /** Open at the end of the bucket. */
  backlog: number;
  cycleMs: Spread;
}

export interface ThroughputReport {
  processKey: string;
  from: string;
  to: string;
  bucket: 'day' | 'week';
  buckets: ThroughputBucket[];
  sla: { department: string; met: number; breached: number }[];
  firstContactResolution: { resolved: number; firstContact: number; rate: number | null };
}

const DAY = 86_400_000;

/** Bucket starts from `from` to `to`: UTC days, or weeks starting on Monday. */
function bucketStarts(from: number, to: number, bucket: 'day' | 'week'): number[] {
  let start = Math.floor(from / DAY) * DAY;
  if (bucket === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY;
  const step = bucket === 'week' ? 7 * DAY : DAY;
  const out: number[] = [];
  for (let t = start; t < to; t += step) out.push(t);
  return out;
}

/** First contact: one staff task, never passed up, handed over or escalated. */
function firstContact(instance: InstanceFact): boolean {
  return instance.userTasks === 1 && instance.passUps === 0 && instance.handOvers === 0 && instance.escalations === 0;
}

export function throughputReport(processKey: string, range: { from: string; to: string }, bucket: 'day' | 'week', facts: ProcessFacts, now: number): ThroughputReport {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const starts = bucketStarts(from, to, bucket);
  const step = bucket === 'week' ? 7 * DAY : DAY;
  // One pass over the instances: each lands in the bucket it started and the one it finished in;
  // the backlog is what was open at `from` plus starts minus finishes so far.
  const firstStart = starts[0] ?? from;
  const counts = starts.map(() => ({ started: 0, finished: 0, cycles: [] as number[] }));
  const bucketOf = (t: number) => (t < from || t >= to ? undefined : counts[Math.min(starts.length - 1, Math.floor((t - firstStart) / step))]);
  let open = 0;
  for (const instance of facts.instances) {
    const begin = Date.parse(instance.startedAt);
    const end = instance.endedAt === null ? null : Date.parse(instance.endedAt);
    if (begin < from && (end === null || end >= from)) open += 1;
    const startedIn = bucketOf(begin);
    if (startedIn) startedIn.started += 1;
    const finishedIn = end === null ? undefined : bucketOf(end);
    if (end !== null && finishedIn) {
      finishedIn.finished += 1;
      finishedIn.cycles.push(end - begin);
    }
  }
  const buckets = starts.map((start, b): ThroughputBucket => {
    const { started, finished, cycles } = counts[b] ?? { started: 0, finished: 0, cycles: [] };
    open += started - finished;
    return { start: new Date(start).toISOString(), started, finished, backlog: open, cycleMs: spread(cycles) };
  });
  const sla = new Map<string, { met: number; breached: number }>();
  for (const task of facts.tasks) {
    if (task.customer || (task.dueAt === null && !task.escalated)) continue;
    const isBreached = breached(task, now);
    if (!isBreached && task.endedAt === null) continue; // still running, not yet late: neither
    const key = task.department ?? '(none)';
    const entry = sla.get(key) ?? { met: 0, breached: 0 };
    if (isBreached) entry.breached += 1;
    else entry.met += 1;
    sla.set(key, entry);
  }
  const resolved = facts.instances.filter((i) => i.resolver !== null && i.endedAt !== null && Date.parse(i.endedAt) >= from && Date.parse(i.endedAt) < to);
  const first = resolved.filter(firstContact).length;
  return {
    processKey,
    from: range.from,
    to: range.to,
    bucket,
    buckets,
    sla: [...sla].map(([department, counts]) => ({ department, ...counts })).sort((a, b) => a.department.localeCompare(b.department)),
    firstContactResolution: { resolved: resolved.length, firstContact: first, rate: resolved.length ? Math.round((first / resolved.length) * 1000) / 1000 : null },
  };
}

export interface VersionFigures {
  version: number;
  started: number;
  finished: number;
  cycleMs: Spread;
  sla: { met: number; breached: number; rate: number | null };
  /** Pass-ups per ticket started. */
  passUpRate: number | null;
  csat: { average: number | null; count: number };
}

/** The same figures for each version of a process, over tickets started in the range. */
export function versionFigures(version: number, facts: ProcessFacts, range: { from: string; to: string }, now: number): VersionFigures {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const mine = facts.instances.filter((i) => i.version === version && Date.parse(i.startedAt) >= from && Date.parse(i.startedAt) < to);
  const ids = new Set(mine.map((i) => i.instanceId));
  const finished = mine.filter((i): i is InstanceFact & { endedAt: string } => i.endedAt !== null);
  const judged = facts.tasks.filter((t) => ids.has(t.instanceId) && !t.customer && (t.dueAt !== null || t.escalated) && (t.endedAt !== null || breached(t, now)));
  const late = judged.filter((t) => breached(t, now)).length;
  return {
    version,
    started: mine.length,
    finished: finished.length,
    cycleMs: spread(finished.map((i) => Date.parse(i.endedAt) - Date.parse(i.startedAt))),
    sla: { met: judged.length - late, breached: late, rate: judged.length ? Math.round(((judged.length - late) / judged.length) * 1000) / 1000 : null },
    passUpRate: mine.length ? Math.round((mine.reduce((n, i) => n + i.passUps, 0) / mine.length) * 1000) / 1000 : null,
    csat: average(mine.flatMap((i) => (i.rating === null ? [] : [i.rating]))),
  };
}

export interface FieldTechnician {
  username: string;
  jobs: number;
  firstTimeFix: number;
  firstTimeFixRate: number | null;
  onTime: number;
  onTimeRate: number | null;
  medianJobMs: number | null;
}

/**
 * Field KPIs from what Baton records today: a job is a completed task of the technicians'
 * department; it is a first-time fix when the ticket did not come back to that step afterwards
 * (no second visit); on time when completed by its due time (no arrival event exists yet).
 */
export function fieldReport(facts: ProcessFacts, department: string): FieldTechnician[] {
  const jobs = facts.tasks.filter((t): t is TaskFact & { completedBy: string } => t.status === 'completed' && t.department === department && t.completedBy !== null);
  const byPerson = new Map<string, TaskFact[]>();
  for (const job of jobs) byPerson.set(job.completedBy, [...(byPerson.get(job.completedBy) ?? []), job]);
  // A completed task has its end; null would read as NaN, as Date.parse(null) did.
  const endOf = (t: TaskFact) => (t.endedAt === null ? NaN : Date.parse(t.endedAt));
  const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);
  return [...byPerson]
    .map(([username, mine]) => {
      const fixed = mine.filter((t) => !t.reopened).length;
      const onTime = mine.filter((t) => t.dueAt === null || endOf(t) <= Date.parse(t.dueAt)).length;
      const durations = mine.map((t) => endOf(t) - Date.parse(t.createdAt)).sort((a, b) => a - b);
      return {
        username,
        jobs: mine.length,
        firstTimeFix: fixed,
        firstTimeFixRate: rate(fixed, mine.length),
        onTime,
        onTimeRate: rate(onTime, mine.length),
        medianJobMs: percentile(durations, 50, true),
      };
    })
    .sort((a, b) => a.username.localeCompare(b.username));
}
