/**
 * Reports at scale: 1,000,000 generated task events in the audit log of a SQLite store, folded by
 * the analytics projector, then the monthly report and the activity heatmap read through
 * AnalyticsService (what the HTTP routes call). Targets: monthly report ≤ 1 s, heatmap ≤ 500 ms.
 *
 *   node --import tsx bench/reports.ts            # about 2–4 minutes on 2 shared cores
 *   BENCH_TASK_EVENTS=200000 node --import tsx bench/reports.ts
 *
 * The events are written straight into audit_events (no engine, no hash chain: the projector
 * does not read hashes), shaped like the shipped help-desk process: every ticket is created at
 * first line and claimed; a quarter are passed up to L1 and claimed there, one in twenty handed
 * over, one in ten escalated by the SLA timer to L2; then completed. 50 people, 12 months.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Principal } from '../server/auth/principal.js';
import { createBaton } from '../server/baton.js';
import { seedDepartments } from '../server/departments/seed-departments.js';
import { openSqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { BENCH_CONFIG, fmt, runAsMain } from './fixtures.js';

const KEY = 'helpdesk-escalation';
const DEF = `${KEY}:1`;
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

export interface ReportsBenchResult {
  taskEvents: number;
  allEvents: number;
  tickets: number;
  generateMs: number;
  foldMs: number;
  foldEventsPerSecond: number;
  monthlyMs: { median: number; max: number };
  heatmapMonthMs: { median: number; max: number };
  heatmapYearMs: { median: number; max: number };
  throughputMonthMs: { median: number; max: number };
}

/** A tiny deterministic random source, so every run generates the same log. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

async function timed(runs: number, work: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const began = performance.now();
    await work();
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  return { median: Math.round(times[Math.floor(times.length / 2)]!), max: Math.round(times[times.length - 1]!) };
}

export async function reportsBench(taskEvents = Number(process.env['BENCH_TASK_EVENTS'] ?? 1_000_000)): Promise<ReportsBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-reports-'));
  try {
    const store = openSqliteStore(path.join(dir, 'baton.db'));
    await seedDepartments(store.departments);
    const baton = createBaton({ ...BENCH_CONFIG, store });
    await baton.definitions.deploy(readFileSync(path.resolve('processes/helpdesk-escalation.bpmn'), 'utf8'));

    // Generate: one transaction per 20,000 tickets; foreign keys off for the raw rows (no instances table rows).
    const db = store.db;
    db.pragma('foreign_keys = OFF');
    const insert = db.prepare(`INSERT INTO audit_events (instance_id, seq, type, at, actor, element_id, definition_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')`);
    const feedback = db.prepare('INSERT INTO customer_feedback (instance_id, rating, comment, created_at) VALUES (?, ?, ?, ?)');
    const rnd = random(15);
    const people = { 'first-line': 20, l1: 15, l2: 10 } as const;
    const person = (department: keyof typeof people) => `${department}-${Math.floor(rnd() * people[department])}`;
    const span = 365 * DAY;
    let tasks = 0;
    let all = 0;
    let tickets = 0;
    const began = performance.now();
    const batch = db.transaction((count: number) => {
      for (let n = 0; n < count && tasks < taskEvents; n += 1) {
        const id = `bench-${tickets}`;
        tickets += 1;
        let seq = 0;
        let t = START + Math.floor((tickets / (taskEvents / 4.6)) * span);
        const event = (type: string, actor: string, elementId: string | null, data: Record<string, unknown>, advance = 0) => {
          t += advance;
          seq += 1;
          all += 1;
          if (type.startsWith('task.')) tasks += 1;
          insert.run(id, seq, type, new Date(t).toISOString(), actor, elementId, DEF, JSON.stringify(data));
        };
        const min = () => Math.floor(1 + rnd() * 90) * 60_000;
        event('instance.started', 'api', null, { processKey: KEY, version: 1 });
        event('flow.taken', 'system', 'Flow_to_first_line', {});
        let task = `${id}-1`;
        let element = 'Task_first_line';
        let department: keyof typeof people = 'first-line';
        event('task.created', 'system', element, { taskId: task, department, assignee: null, dueAt: new Date(t + 20 * 3_600_000).toISOString() });
        let owner = person(department);
        event('task.claimed', owner, element, { taskId: task }, min());
        const roll = rnd();
        if (roll < 0.25) {
          event('task.passed-up', owner, element, { taskId: task, from: { department, assignee: owner }, to: { department: 'l1' }, reason: 'bench' }, min());
          department = 'l1';
          owner = person(department);
          event('task.claimed', owner, element, { taskId: task }, min());
        } else if (roll < 0.3) {
          const to = person(department);
          event('task.handed-over', owner, element, { taskId: task, from: { department, assignee: owner }, to: { department, assignee: to }, reason: 'bench' }, min());
          owner = to;
        } else if (roll < 0.4) {
          event('task.cancelled', 'system', element, { taskId: task }, 20 * 3_600_000);
          event('task.escalated', 'timer', 'Task_L2', { taskId: task, elementId: element, toTaskId: `${id}-2` });
          task = `${id}-2`;
          element = 'Task_L2';
          department = 'l2';
          event('task.created', 'system', element, { taskId: task, department, assignee: null, dueAt: null });
          owner = person(department);
          event('task.claimed', owner, element, { taskId: task }, min());
        }
        event('task.completed', owner, element, { taskId: task, output: {} }, min());
        event('activity.left', 'system', element, {});
        event('instance.completed', 'system', null, {});
        if (rnd() < 0.2) feedback.run(id, 1 + Math.floor(rnd() * 5), '', new Date(t).toISOString());
      }
    });
    while (tasks < taskEvents) batch(20_000);
    db.pragma('foreign_keys = ON');
    const generateMs = Math.round(performance.now() - began);
    console.log(`generated ${fmt(tasks)} task events (${fmt(all)} events, ${fmt(tickets)} tickets) in ${fmt(generateMs)} ms`);

    const foldBegan = performance.now();
    const folded = await baton.projector!.catchUp();
    const foldMs = Math.round(performance.now() - foldBegan);
    console.log(`folded ${fmt(folded)} events in ${fmt(foldMs)} ms (${fmt((folded / foldMs) * 1000)} events/s)`);

    const admin: Principal = { userId: 'bench', username: 'bench', role: 'admin', departments: [], credentialId: 'bench', via: 'token', csrfToken: null, expiresAt: '2100-01-01T00:00:00.000Z' };
    const june = { from: '2026-06-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' };
    const year = { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };
    const monthlyMs = await timed(5, () => baton.analytics.monthly(admin, { month: '2026-06' }));
    const sample = await baton.analytics.monthly(admin, { month: '2026-06' });
    console.log(`monthly report (June, ${sample.people.length} people, ${sample.departments.length} departments): median ${monthlyMs.median} ms, max ${monthlyMs.max} ms`);
    const heatmapMonthMs = await timed(5, () => baton.analytics.activities(admin, KEY, june));
    console.log(`heatmap (one month): median ${heatmapMonthMs.median} ms, max ${heatmapMonthMs.max} ms`);
    const heatmapYearMs = await timed(5, () => baton.analytics.activities(admin, KEY, year));
    console.log(`heatmap (the whole year, every task): median ${heatmapYearMs.median} ms, max ${heatmapYearMs.max} ms`);
    const throughputMonthMs = await timed(5, () => baton.analytics.throughput(admin, KEY, june, 'day'));
    console.log(`throughput (one month, per day): median ${throughputMonthMs.median} ms, max ${throughputMonthMs.max} ms`);
    await baton.shutdown();
    return {
      taskEvents: tasks,
      allEvents: all,
      tickets,
      generateMs,
      foldMs,
      foldEventsPerSecond: Math.round((folded / foldMs) * 1000),
      monthlyMs,
      heatmapMonthMs,
      heatmapYearMs,
      throughputMonthMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsMain(import.meta.url, 'reports', 'reports', () => reportsBench());
