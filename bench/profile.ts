/**
 * Where the time of a persisted instance goes, in two views of the sequential service-layer loop
 * (after a warm-up, so start-up and JIT are not in it):
 *
 * 1. a CPU profile (inspector, 100 µs sampling): self time by package / Baton file, the garbage
 *    collector's share, the top functions;
 * 2. a wall-clock breakdown per step: Baton's methods are wrapped (in this process only, nothing
 *    under server/ changes) and timed per call. With one instance in flight, wall time is CPU time
 *    plus a few event-loop turns, and async work is attributed where it belongs, which a CPU
 *    profile's stacks cannot do across `await`.
 *
 *   node --import tsx bench/profile.ts            # 1,000 instances of the simple process
 *   BENCH_PROFILE_COUNT=500 BENCH_PROFILE_PROCESS=benchEleven node --import tsx bench/profile.ts
 *   BENCH_PROFILE_OUT=/tmp/baton.cpuprofile ...   # also save the profile (open it in Chrome DevTools)
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler, type Runtime } from 'node:inspector';
import { performance } from 'node:perf_hooks';

import { Engine } from 'bpmn-engine';

import { DefinitionService } from '../server/definitions/definition.service.js';
import { StepRun } from '../server/engine/step-run.js';
import { StepPath } from '../server/instances/step-path.js';
import { InstanceService } from '../server/instances/instance.service.js';
import { SqliteInstanceStore } from '../server/stores/sqlite/sqlite-instance.store.js';
import { SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { SqliteTaskStore } from '../server/stores/sqlite/sqlite-task.store.js';
import { SqliteTimerStore } from '../server/stores/sqlite/sqlite-timer.store.js';
import { TaskActions } from '../server/tasks/task-actions.js';
import { envCount, fmt, isMain, SIMPLE_KEY, startBenchBaton, timeCycles, writeResult, type Cycle } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result as T)));
  });
}

// ---------------------------------------------------------------- CPU profile

interface Share {
  name: string;
  percent: number;
  usPerInstance: number;
}

export interface CpuReport {
  perSec: number;
  sampledMs: number;
  groups: Share[];
  functions: Share[];
}

function groupOf(frame: Runtime.CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `native: ${functionName}()`;
  // The innermost package (smqp sits inside bpmn-elements' own node_modules).
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/((?:server|bench)\/.+)$/.exec(url);
  if (own?.[1]) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

/** `package/path/in/package.js:line`, or `server/file.ts:line`, for naming a function. */
function fileOf(frame: Runtime.CallFrame): string {
  if (frame.url === '') return groupOf(frame);
  const inPackage = /.*node_modules\/((?:@[^/]+\/)?[^/]+\/.+)$/.exec(frame.url);
  const own = /\/((?:server|bench)\/.+)$/.exec(frame.url);
  return `${inPackage?.[1] ?? own?.[1] ?? frame.url}:${frame.lineNumber + 1}`;
}

export function analyseProfile(profile: Profiler.Profile, count: number, perSec: number): CpuReport {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    // timeDeltas[i] is the time before sample i; the next delta is how long sample i stood.
    if (id !== undefined) selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const groupUs = new Map<string, number>();
  const functionUs = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    totalUs += us;
    const group = groupOf(frame);
    groupUs.set(group, (groupUs.get(group) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} — ${fileOf(frame)}`;
    functionUs.set(fn, (functionUs.get(fn) ?? 0) + us);
  }
  const shares = (map: Map<string, number>, n: number): Share[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, percent: (100 * us) / totalUs, usPerInstance: us / count }));
  return { perSec, sampledMs: totalUs / 1000, groups: shares(groupUs, 14), functions: shares(functionUs, 16) };
}

async function cpuProfile(cycle: Cycle, count: number): Promise<{ profile: Profiler.Profile; perSec: number }> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
    await post(session, 'Profiler.start');
    const timing = await timeCycles(count, 1, cycle);
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    return { profile, perSec: timing.perSec };
  } finally {
    session.disconnect();
  }
}

// ---------------------------------------------------------------- wall-clock breakdown

export interface StepTime {
  phase: 'start' | 'complete';
  label: string;
  depth: number;
  usPerInstance: number;
  percent: number;
  calls: number;
}

export interface BreakdownReport {
  perSec: number;
  usPerInstance: number;
  steps: StepTime[];
}

interface Probe {
  target: object;
  method: string;
  label: string;
  depth: number;
  /** Set on the two entry points: what follows is attributed to this phase. */
  phase?: 'start' | 'complete';
}

/** The methods timed, in the order they run within a phase; depth is their nesting. */
const PROBES: readonly Probe[] = [
  { target: InstanceService.prototype, method: 'start', label: 'start: InstanceService.start', depth: 0, phase: 'start' },
  { target: TaskActions.prototype, method: 'completeAs', label: 'complete: TaskActions.completeAs', depth: 0, phase: 'complete' },
  { target: TaskActions.prototype, method: 'read', label: 'TaskActions.read (the task before: its instance)', depth: 1 },
  { target: DefinitionService.prototype, method: 'latest', label: 'DefinitionService.latest (definition row)', depth: 1 },
  { target: SqliteInstanceStore.prototype, method: 'lastTicketSeq', label: 'lastTicketSeq (reads the number to reserve)', depth: 1 },
  { target: SqliteInstanceStore.prototype, method: 'get', label: 'SqliteInstanceStore.get (row + JSON.parse of state)', depth: 1 },
  { target: SqliteTaskStore.prototype, method: 'list', label: 'open tasks / incidents / timers of the instance', depth: 1 },
  { target: SqliteInstanceStore.prototype, method: 'incidents', label: 'open tasks / incidents / timers of the instance', depth: 1 },
  { target: SqliteTimerStore.prototype, method: 'forInstance', label: 'open tasks / incidents / timers of the instance', depth: 1 },
  { target: StepRun.prototype, method: 'start', label: 'StepRun.start (engine.execute → task waits)', depth: 1 },
  { target: StepRun.prototype, method: 'resume', label: 'StepRun.resume (structuredClone + recover + resume)', depth: 1 },
  { target: globalThis, method: 'structuredClone', label: 'structuredClone of the loaded state', depth: 2 },
  { target: Engine.prototype, method: 'recover', label: 'engine.recover', depth: 2 },
  { target: StepRun.prototype, method: 'signal', label: 'StepRun.signal (signal → next wait or end)', depth: 1 },
  { target: StepRun.prototype, method: 'snapshot', label: 'StepRun.snapshot (engine.getState)', depth: 1 },
  { target: StepPath.prototype, method: 'commitRun', label: 'StepPath.commitRun (routing, projection, audit chain, SQLite)', depth: 1 },
  { target: SqliteStore.prototype, method: 'commitStepSync', label: 'SqliteStore.commitStepSync (one IMMEDIATE transaction)', depth: 2 },
  { target: StepRun.prototype, method: 'suspend', label: 'StepRun.suspend (engine.stop, on release after the commit)', depth: 1 },
];

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps the probes' methods on their prototypes; returns the totals and a function that unwraps. */
function instrument(): { totals: Map<string, { us: number; calls: number }>; restore: () => void } {
  const totals = new Map<string, { us: number; calls: number }>();
  let phase = 'start';
  const restores: (() => void)[] = [];
  for (const probe of PROBES) {
    const holder = probe.target as Record<string, unknown>;
    const original = holder[probe.method];
    if (typeof original !== 'function') throw new Error(`${probe.method} is not a method`);
    const fn = original as AnyMethod;
    holder[probe.method] = function timed(this: unknown, ...args: unknown[]): unknown {
      if (probe.phase) phase = probe.phase;
      const key = probe.phase ? probe.label : `${phase}|${probe.label}`;
      const began = performance.now();
      const done = () => {
        const entry = totals.get(key) ?? { us: 0, calls: 0 };
        entry.us += (performance.now() - began) * 1000;
        entry.calls += 1;
        totals.set(key, entry);
      };
      const result = fn.apply(this, args);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
    restores.push(() => {
      holder[probe.method] = original;
    });
  }
  return { totals, restore: () => restores.reverse().forEach((restore) => restore()) };
}

async function breakdown(cycle: Cycle, count: number): Promise<BreakdownReport> {
  const { totals, restore } = instrument();
  let timing;
  try {
    timing = await timeCycles(count, 1, cycle);
  } finally {
    restore();
  }
  const usPerInstance = 1e6 / timing.perSec;
  const steps: StepTime[] = [];
  for (const phase of ['start', 'complete'] as const) {
    const head = PROBES.find((probe) => probe.phase === phase);
    if (!head) continue;
    const headTotal = totals.get(head.label);
    if (!headTotal) continue;
    steps.push({ phase, label: head.label, depth: 0, usPerInstance: headTotal.us / count, percent: (100 * headTotal.us) / count / usPerInstance, calls: headTotal.calls });
    let children = 0;
    const seen = new Set<string>();
    for (const probe of PROBES) {
      if (probe.phase || seen.has(probe.label)) continue;
      seen.add(probe.label);
      const entry = totals.get(`${phase}|${probe.label}`);
      if (!entry) continue;
      if (probe.depth === 1) children += entry.us;
      steps.push({ phase, label: probe.label, depth: probe.depth, usPerInstance: entry.us / count, percent: (100 * entry.us) / count / usPerInstance, calls: entry.calls });
    }
    const rest = headTotal.us - children;
    steps.push({ phase, label: 'rest (new Engine ×1, task/audit records, awaits)', depth: 1, usPerInstance: rest / count, percent: (100 * rest) / count / usPerInstance, calls: 0 });
  }
  return { perSec: timing.perSec, usPerInstance, steps };
}

// ---------------------------------------------------------------- report

export interface ProfileReport {
  process: string;
  count: number;
  cpu: CpuReport;
  breakdown: BreakdownReport;
}

export function printProfile(report: ProfileReport): void {
  const { cpu, breakdown: wall } = report;
  console.log(`profile: ${report.count} sequential instances of ${report.process} through the service layer`);
  console.log(`  wall-clock breakdown (${fmt(wall.perSec)}/s instrumented; ${fmt(wall.usPerInstance)} µs per instance = 100 %):`);
  for (const step of wall.steps) {
    const label = `${'  '.repeat(step.depth)}${step.label}`;
    console.log(`    ${label.padEnd(64)} ${fmt(step.usPerInstance).padStart(6)} µs ${fmt(step.percent, 1).padStart(5)} %`);
  }
  console.log(`  CPU profile (${fmt(cpu.perSec)}/s while sampled; ${fmt(cpu.sampledMs)} ms of samples), self time by package / file:`);
  for (const share of cpu.groups) console.log(`    ${share.name.padEnd(64)} ${fmt(share.usPerInstance).padStart(6)} µs ${fmt(share.percent, 1).padStart(5)} %`);
  console.log('  top functions by self time:');
  for (const share of cpu.functions) console.log(`    ${share.name.slice(0, 64).padEnd(64)} ${fmt(share.usPerInstance).padStart(6)} µs ${fmt(share.percent, 1).padStart(5)} %`);
}

export async function runProfile(options: { count?: number; processKey?: string } = {}): Promise<ProfileReport> {
  const count = options.count ?? envCount('PROFILE_COUNT', 1000);
  const processKey = options.processKey ?? process.env['BENCH_PROFILE_PROCESS'] ?? SIMPLE_KEY;
  const bench = await startBenchBaton();
  try {
    const cycle = serviceCycle(bench.baton, processKey);
    await timeCycles(300, 1, cycle);
    const sampled = await cpuProfile(cycle, count);
    const out = process.env['BENCH_PROFILE_OUT'];
    if (out) writeFileSync(out, JSON.stringify(sampled.profile));
    const report: ProfileReport = {
      process: processKey,
      count,
      cpu: analyseProfile(sampled.profile, count, sampled.perSec),
      breakdown: await breakdown(cycle, count),
    };
    printProfile(report);
    return report;
  } finally {
    await bench.close();
  }
}

if (isMain(import.meta.url)) {
  const report = await runProfile();
  writeResult({ bench: 'profile', report });
}
