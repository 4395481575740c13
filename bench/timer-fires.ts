/**
 * Where a timer fire's time goes (issue 20): BENCH_FIRES_COUNT (2,000) instances whose timers fall
 * due at one instant on a SQLite file, fired
 * - by the step alone: `runner.apply(instance, { kind: 'timer' })` one after the other, no
 *   scheduler (the same-run baseline: what any scheduler costs on top of it);
 * - by agenda as shipped before issue 20 (`agenda` variant: one job at a time, lock write, state
 *   saves around the handler), with every repository call timed;
 * - by the scheduler Baton ships (`baton.agendaTimers`: batches since issue 20), with its store
 *   calls timed; BENCH_FIRES_CONCURRENCY=1,4 adds it with that many steps in flight.
 * Each variant runs on its own copy of the same database, interleaved BENCH_FIRES_ROUNDS (1) times.
 *
 *   node --import tsx bench/timer-fires.ts
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { Agenda, type Job } from 'agenda';

import { createBaton, type Baton } from '../server/baton.js';
import { ManualClock } from '../server/clock.js';
import { seedDepartments } from '../server/departments/seed-departments.js';
import { openSqliteStore, type SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { TIMER_JOB } from '../server/timers/timer-jobs.js';
import { BENCH_CONFIG, diagram, envCount, fmt, median, runAsMain, timeCycles } from './fixtures.js';

const BURST_KEY = 'benchFires';
/** start → task with an interrupting boundary timer (a timeDate) → escalation task → end: the bench/timers.ts burst's shape. */
const BURST_XML = diagram(
  BURST_KEY,
  `    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">\${due}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="end" />`,
);
const AHEAD_MS = 3_600_000;

interface Outcome {
  variant: string;
  ms: number;
  perSec: number;
  cpuMs: number;
  fired: number;
  /** Sum of the steps' own durations (runner.apply), ms; overlapping steps each count. */
  stepMs: number;
  /** Timed repository/store calls around the steps, ms each kind. */
  calls: Record<string, { n: number; ms: number }>;
}

/** `agenda`: createBaton's scheduler, with this many timer steps in flight (null: its default). */
function open(file: string, clock: ManualClock, agenda: { concurrency: number | null } | null): { baton: Baton; store: SqliteStore } {
  const store = openSqliteStore(file);
  const baton = createBaton({
    ...BENCH_CONFIG,
    store,
    clock,
    ...(agenda ? { agenda: { processEveryMs: 1000, lockLifetimeMs: 60_000, retryMs: 30_000, ...(agenda.concurrency === null ? {} : { concurrency: agenda.concurrency }) } } : {}),
  });
  return { baton, store };
}

/** The database every variant copies: `count` instances, each with one timer due an hour from the clock's start. */
async function prepare(file: string, count: number, clock: ManualClock): Promise<void> {
  const store = openSqliteStore(file);
  await seedDepartments(store.departments);
  const baton = createBaton({ ...BENCH_CONFIG, store, clock });
  await baton.definitions.deploy(BURST_XML);
  const due = new Date(clock.now().getTime() + AHEAD_MS).toISOString();
  await timeCycles(count, 10, async () => {
    await baton.instances.start({ processKey: BURST_KEY, variables: { due }, businessKey: null }, 'bench');
  });
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await baton.shutdown();
}

/** Times `fn` on `target[method]` into `calls[label]`; the wrapper stays (each variant opens its own store). */
function timeMethod<T extends object, K extends keyof T>(target: T, method: K, label: string, calls: Outcome['calls']): void {
  const original = target[method];
  if (typeof original !== 'function') throw new TypeError(`${String(method)} is not a method`);
  const bound = (original as (...args: unknown[]) => unknown).bind(target);
  const entry = (calls[label] ??= { n: 0, ms: 0 });
  (target as Record<K, unknown>)[method] = (...args: unknown[]) => {
    const began = performance.now();
    const result = bound(...args);
    if (result instanceof Promise) {
      return result.finally(() => {
        entry.n += 1;
        entry.ms += performance.now() - began;
      });
    }
    entry.n += 1;
    entry.ms += performance.now() - began;
    return result;
  };
}

function timeSteps(baton: Baton): { ms: number } {
  const total = { ms: 0 };
  const apply = baton.runner.apply.bind(baton.runner);
  baton.runner.apply = async (instanceId, action) => {
    const began = performance.now();
    try {
      return await apply(instanceId, action);
    } finally {
      total.ms += performance.now() - began;
    }
  };
  return total;
}

function timersLeft(store: SqliteStore): number {
  return (store.db.prepare('SELECT count(*) AS n FROM agenda_jobs WHERE name = ?').get(TIMER_JOB) as { n: number }).n;
}

function firedCount(store: SqliteStore): number {
  return (store.db.prepare("SELECT count(*) AS n FROM audit_events WHERE type = 'timer.fired'").get() as { n: number }).n;
}

async function measure(
  variant: string,
  file: string,
  count: number,
  clock: ManualClock,
  run: (baton: Baton, store: SqliteStore, calls: Outcome['calls']) => Promise<void>,
  agenda: { concurrency: number | null } | null,
): Promise<Outcome> {
  const { baton, store } = open(file, clock, agenda);
  const calls: Outcome['calls'] = {};
  const steps = timeSteps(baton);
  const cpu = process.cpuUsage();
  const began = performance.now();
  await run(baton, store, calls);
  const ms = performance.now() - began;
  const used = process.cpuUsage(cpu);
  const fired = firedCount(store);
  const left = timersLeft(store);
  await baton.shutdown();
  if (fired !== count || left !== 0) throw new Error(`${variant}: fired ${fired} of ${count}, ${left} timer jobs left`);
  return { variant, ms, perSec: (count * 1000) / ms, cpuMs: (used.user + used.system) / 1000, fired, stepMs: steps.ms, calls };
}

/** Waits until every timer job is gone (each fired once: checked by the caller). */
async function untilFired(store: SqliteStore, limitMs: number): Promise<void> {
  const began = performance.now();
  while (timersLeft(store) > 0) {
    if (performance.now() - began > limitMs) throw new Error(`${timersLeft(store)} timers still pending after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The step alone: the due timers one after the other through the runner, no scheduler. */
async function stepAlone(baton: Baton, store: SqliteStore, count: number): Promise<void> {
  const due = await store.timers.due(baton.clock.now(), count);
  for (const timer of due) await baton.runner.apply(timer.instanceId, { kind: 'timer', timerId: timer.id });
}

/**
 * agenda as Baton ran it before issue 20 (agenda-timers.ts of that time): `baton.timer` defined
 * with concurrency 5 and a lock window of 100, the handler checks the row is current, fires,
 * reads the timer back and asks for the next job.
 */
async function agendaAsBefore(baton: Baton, store: SqliteStore, calls: Outcome['calls']): Promise<void> {
  const repository = store.timerJobs.backend.repository;
  for (const method of ['getNextJobToRun', 'saveJobState', 'unlockJob', 'removeJobs'] as const) timeMethod(repository, method, `agenda ${method}`, calls);
  timeMethod(store.timerJobs, 'isCurrent', 'isCurrent (handler)', calls);
  timeMethod(store.timers, 'get', 'timers.get (handler)', calls);
  const agenda = new Agenda({ backend: store.timerJobs.backend as never, processEvery: 1000, defaultLockLifetime: 60_000, maxConcurrency: 10 });
  agenda.define(
    TIMER_JOB,
    async (job: Job<{ instanceId: string }>) => {
      const ref = { id: String(job.attrs._id), generation: (job.attrs as { generation?: string }).generation ?? null };
      if (!(await store.timerJobs.isCurrent(ref))) return;
      try {
        await baton.runner.apply(job.attrs.data.instanceId, { kind: 'timer', timerId: ref.id });
      } catch {
        // as before: logged, and the job put back below
      }
      const pending = await store.timers.get(ref.id);
      if (pending) job.schedule(new Date(Date.now() + 30_000));
      setImmediate(() => void store.timerJobs.notify([{ id: ref.id, name: TIMER_JOB, dueAt: new Date() }]));
    },
    { concurrency: 5, lockLimit: 100 },
  );
  store.db.prepare('UPDATE agenda_jobs SET next_run_at = ? WHERE name = ?').run(Date.now(), TIMER_JOB);
  await agenda.start();
  try {
    await untilFired(store, 15 * 60_000);
  } finally {
    const drained = agenda.drain();
    await agenda.stop();
    await drained;
  }
}

/** Baton's timer scheduler as shipped now (createBaton's agendaTimers), with the store's calls timed. */
async function asShipped(baton: Baton, store: SqliteStore, calls: Outcome['calls']): Promise<void> {
  const repository = store.timerJobs.backend.repository;
  for (const method of ['getNextJobToRun', 'saveJobState', 'unlockJob', 'removeJobs'] as const) timeMethod(repository, method, `agenda ${method}`, calls);
  for (const method of ['claimDue', 'releaseClaims', 'renewClaims', 'nextDueAt', 'isCurrent'] as const) timeMethod(store.timerJobs, method, method, calls);
  timeMethod(store.timers, 'get', 'timers.get', calls);
  store.db.prepare('UPDATE agenda_jobs SET next_run_at = ? WHERE name = ?').run(Date.now(), TIMER_JOB);
  await baton.agendaTimers!.start();
  await untilFired(store, 15 * 60_000);
}

export async function runTimerFires(): Promise<unknown> {
  const count = envCount('FIRES_COUNT', 2000);
  const rounds = envCount('FIRES_ROUNDS', 1);
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-fires-'));
  const clock = new ManualClock();
  try {
    const template = path.join(dir, 'template.db');
    const t0 = performance.now();
    await prepare(template, count, clock);
    console.log(`${fmt(count)} instances with a timer each, started through the API in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    clock.advance(AHEAD_MS + 60_000);
    // BENCH_FIRES_CONCURRENCY=1,4: the shipped scheduler also with these many steps in flight.
    const extra = (process.env['BENCH_FIRES_CONCURRENCY'] ?? '').split(',').filter(Boolean).map(Number);
    const variants: { name: string; agenda: { concurrency: number | null } | null; run: (baton: Baton, store: SqliteStore, calls: Outcome['calls']) => Promise<void> }[] = [
      { name: 'step alone (runner.apply, sequential)', agenda: null, run: (baton, store) => stepAlone(baton, store, count) },
      { name: 'agenda per job (as before issue 20)', agenda: null, run: agendaAsBefore },
      { name: 'as shipped (baton.agendaTimers)', agenda: { concurrency: null }, run: asShipped },
      ...extra.map((concurrency) => ({ name: `as shipped, ${concurrency} in flight`, agenda: { concurrency }, run: asShipped })),
    ];
    const results = new Map<string, Outcome[]>();
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        const file = path.join(dir, `run-${round}-${Math.random().toString(16).slice(2)}.db`);
        copyFileSync(template, file);
        const outcome = await measure(variant.name, file, count, clock, variant.run, variant.agenda);
        const list = results.get(variant.name) ?? [];
        list.push(outcome);
        results.set(variant.name, list);
        console.log(
          `  ${variant.name}: ${fmt(outcome.ms)} ms, ${fmt(outcome.perSec)} fires/s, CPU ${fmt(outcome.cpuMs)} ms (${fmt(outcome.cpuMs / count, 2)} ms/fire), steps ${fmt(outcome.stepMs / count, 2)} ms/fire` +
            Object.entries(outcome.calls)
              .filter(([, call]) => call.n > 0)
              .map(([label, call]) => `; ${label} ${fmt(call.n)}× ${fmt(call.ms / Math.max(1, call.n), 3)} ms = ${fmt(call.ms / count, 3)} ms/fire`)
              .join(''),
        );
        rmSync(file, { force: true });
        rmSync(`${file}-wal`, { force: true });
        rmSync(`${file}-shm`, { force: true });
      }
    }
    const baseline = median((results.get(variants[0]!.name) ?? []).map((outcome) => outcome.perSec));
    console.log(`\n${fmt(count)} timers due at once, median of ${rounds} round(s):`);
    const summary: Record<string, unknown> = {};
    for (const variant of variants) {
      const list = results.get(variant.name) ?? [];
      const perSec = median(list.map((outcome) => outcome.perSec));
      const cpuPerFire = median(list.map((outcome) => outcome.cpuMs / count));
      console.log(`  ${variant.name.padEnd(40)} ${fmt(perSec).padStart(6)} fires/s  CPU ${fmt(cpuPerFire, 2)} ms/fire  ratio to the step alone ${fmt(perSec / baseline, 2)}×`);
      summary[variant.name] = { perSec, cpuMsPerFire: cpuPerFire, ratio: perSec / baseline };
    }
    return { count, rounds, summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsMain(import.meta.url, 'timer-fires', 'timerFires', runTimerFires);
