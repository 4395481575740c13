/**
 * Shared pieces of the benchmarks: the process diagrams, a Baton on a fresh SQLite file, a
 * concurrency-limited loop that times a number of cycles, and small statistics helpers.
 * Nothing here is imported from test/: benchmarks must keep working whatever the tests change.
 */
import type { ResidentEnginesOptions } from '../server/engine/resident-engines.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { pino } from 'pino';

import { createBaton, type Baton, type BatonOptions } from '../server/baton.js';
import { seedDepartments } from '../server/departments/seed-departments.js';
import { openSqliteStore, type SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import type { Store } from '../server/stores/store.js';

/** A bench process: `body` (flow elements) inside the `<bpmn:definitions>` wrapper every bench diagram shares. */
export function diagram(processId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${processId}" targetNamespace="http://baton.bench">
  <bpmn:process id="${processId}" name="${processId}" isExecutable="true">
${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task (routed to first-line) → end: 3 flow nodes, 2 sequence flows. */
export const SIMPLE_KEY = 'benchSimple';
export const SIMPLE_XML = diagram(
  SIMPLE_KEY,
  `    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:userTask id="handle" name="Handle the request" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

/**
 * 11 flow nodes around one user task: an interrupting 8-hour timer boundary on the task (armed,
 * saved as a timer row and an SLA, cancelled when the task completes), an exclusive gateway with a
 * condition and a default, and a parallel split/join over two pass-through throw events.
 * Only the default flow of the gateway is taken (`approved` is true), with Baton's expressions and
 * with bare bpmn-engine's (which cannot evaluate `==` and so treats the condition as false).
 */
export const ELEVEN_KEY = 'benchEleven';
export const ELEVEN_XML = diagram(
  ELEVEN_KEY,
  `    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:userTask id="triage" name="Triage" camunda:candidateGroups="first-line" />
    <bpmn:boundaryEvent id="sla" attachedToRef="triage"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT8H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="sla" targetRef="escalated" />
    <bpmn:endEvent id="escalated" />
    <bpmn:sequenceFlow id="f3" sourceRef="triage" targetRef="route" />
    <bpmn:exclusiveGateway id="route" default="f5" />
    <bpmn:sequenceFlow id="f4" sourceRef="route" targetRef="rejected"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${approved == false}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="rejected" />
    <bpmn:sequenceFlow id="f5" sourceRef="route" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f6" sourceRef="split" targetRef="noteA" />
    <bpmn:sequenceFlow id="f7" sourceRef="split" targetRef="noteB" />
    <bpmn:intermediateThrowEvent id="noteA" />
    <bpmn:intermediateThrowEvent id="noteB" />
    <bpmn:sequenceFlow id="f8" sourceRef="noteA" targetRef="join" />
    <bpmn:sequenceFlow id="f9" sourceRef="noteB" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f10" sourceRef="join" targetRef="done" />
    <bpmn:endEvent id="done" />`,
);

export interface BenchProcess {
  key: string;
  label: string;
  xml: string;
}

export const PROCESSES: readonly BenchProcess[] = [
  { key: SIMPLE_KEY, label: 'start → user task → end (3 nodes)', xml: SIMPLE_XML },
  { key: ELEVEN_KEY, label: '11 nodes: timer boundary, XOR, AND split/join', xml: ELEVEN_XML },
];

export const silentLogger = pino({ level: 'silent' });

/** createBaton's options in every benchmark but the store (and what a benchmark adds). */
export const BENCH_CONFIG = {
  logger: silentLogger,
  // bcrypt at its lowest cost: the benchmarks measure steps, not sign-ins.
  config: { timerPollMs: 60_000, webhook: { timeoutMs: 2000, attempts: 1, backoffMs: 10 }, auth: { sessionTtlMs: 3_600_000, tokenTtlMs: 3_600_000, passwordCost: 4 } },
  version: 'bench',
} satisfies Omit<BatonOptions, 'store'>;

export interface BenchBaton {
  baton: Baton;
  store: SqliteStore;
  dir: string;
  file: string;
  /** Shuts Baton down (drains, closes the store); removes the temp dir if this Baton created it. */
  close(): Promise<void>;
}

/**
 * A real Baton (real clock, silent logger) on a SQLite file: a fresh temp file unless `file` is
 * given (a second Baton on the same database, as a second node would open it). Departments are
 * seeded and both bench processes deployed (identical diagrams are not redeployed).
 */
export async function startBenchBaton(options: { file?: string; wrapStore?: (store: SqliteStore) => Store; residentEngines?: ResidentEnginesOptions } = {}): Promise<BenchBaton> {
  const ownDir = options.file === undefined ? mkdtempSync(path.join(tmpdir(), 'baton-bench-')) : null;
  const file = options.file ?? path.join(ownDir ?? '', 'baton.db');
  const store = openSqliteStore(file);
  await seedDepartments(store.departments);
  const config = options.residentEngines ? { ...BENCH_CONFIG.config, residentEngines: options.residentEngines } : BENCH_CONFIG.config;
  const baton = createBaton({ ...BENCH_CONFIG, config, store: options.wrapStore ? options.wrapStore(store) : store });
  for (const process of PROCESSES) await baton.definitions.deploy(process.xml);
  let closed = false;
  return {
    baton,
    store,
    dir: path.dirname(file),
    file,
    async close() {
      if (closed) return;
      closed = true;
      await baton.shutdown();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** One instance from start to end; `index` is unique within a measurement. */
export type Cycle = (index: number) => Promise<void>;

export interface Timing {
  count: number;
  concurrency: number;
  ms: number;
  /** Completed instances (start → end) per second. */
  perSec: number;
}

/** Runs `count` cycles with at most `concurrency` in flight and times the whole batch. */
export async function timeCycles(count: number, concurrency: number, cycle: Cycle): Promise<Timing> {
  let next = 0;
  const lane = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      await cycle(index);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const ms = performance.now() - began;
  return { count, concurrency, ms, perSec: (count * 1000) / ms };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A throughput figure: the median of its runs, with the runs for the record. */
export interface Figure {
  name: string;
  perSec: number;
  runs: number[];
}

/** Runs each named measurement `rounds` times, interleaved (A B C, A B C, ...), and takes medians. */
export async function interleaved(rounds: number, measurements: readonly { name: string; run: () => Promise<Timing> }[]): Promise<Figure[]> {
  const runs = new Map<string, number[]>(measurements.map((m) => [m.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const measurement of measurements) {
      const timing = await measurement.run();
      runs.get(measurement.name)?.push(timing.perSec);
    }
  }
  return measurements.map(({ name }) => {
    const values = runs.get(name) ?? [];
    return { name, perSec: median(values), runs: values };
  });
}

/** A number for the reports; `n/a` for NaN and infinities (no measurement). */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A difference with its sign: +1.5, -0.1. */
export function signed(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${fmt(value, digits)}`;
}

/** Ratios are shown cut (not rounded) to two decimals, so a shown 0.60 or 1.70 never hides a miss. */
export function ratioText(value: number): string {
  return (Math.floor(value * 100) / 100).toFixed(2);
}

export function printFigures(figures: readonly Figure[], baseline?: Figure): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const figure of figures) {
    const ratio = baseline && figure !== baseline ? `  ${ratioText(figure.perSec / baseline.perSec)}× of ${baseline.name}` : '';
    console.log(`  ${figure.name.padEnd(width)}  ${fmt(figure.perSec).padStart(6)} instances/s  (runs ${figure.runs.map((r) => fmt(r)).join(', ')})${ratio}`);
  }
}

export function findFigure(figures: readonly Figure[], name: string): Figure {
  const figure = figures.find((candidate) => candidate.name === name);
  if (!figure) throw new Error(`no figure named ${name}`);
  return figure;
}

/** True when the module with this import.meta.url is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(path.resolve(script)).href === moduleUrl;
}

/**
 * When the module with this import.meta.url is the script node was started with: runs the
 * benchmark and writes `{ bench, [key]: its result }` (see writeResult).
 */
export async function runAsMain(moduleUrl: string, bench: string, key: string, run: () => Promise<unknown>): Promise<void> {
  if (isMain(moduleUrl)) writeResult({ bench, [key]: await run() });
}

/**
 * When bench/run.ts starts a benchmark as a child process it sets BENCH_RESULT to a file path;
 * the benchmark writes its figures there as JSON for the summary table.
 */
export function writeResult(result: unknown): void {
  const target = process.env['BENCH_RESULT'];
  if (!target) return;
  writeFileSync(target, JSON.stringify(result, null, 2));
}

/** Reads a count from the environment (BENCH_<NAME>), for quicker or longer runs. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[`BENCH_${name}`];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_${name} must be a positive integer, got '${raw}'`);
  return value;
}

/** CPU tick counters of the whole machine (Linux /proc/stat) and of this process's waited-for children. */
export interface Ticks {
  /** user + nice + system + irq + softirq, all CPUs. */
  busy: number;
  /** Time the hypervisor gave this VM's CPUs to someone else. */
  steal: number;
  /** Every counter, all CPUs: wall time × CPUs in ticks. */
  total: number;
  /** cutime + cstime of this process: CPU of children (and their children) that have exited. */
  children: number;
}

export function readTicks(): Ticks | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const own = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces) start at state = field 3.
    const rest = own
      .slice(own.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const children = (rest[13] ?? 0) + (rest[14] ?? 0);
    return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal, children };
  } catch {
    return null;
  }
}

/** Cores kept busy between two readings: everything, and the part of it that was our children. */
export function busyCores(before: Ticks | null, after: Ticks | null, cpuCount: number): { machine: number; children: number; steal: number } | null {
  if (!before || !after) return null;
  const total = after.total - before.total;
  if (total <= 0) return null;
  const cores = (ticks: number) => (ticks * cpuCount) / total;
  return { machine: cores(after.busy - before.busy), children: cores(after.children - before.children), steal: cores(after.steal - before.steal) };
}

/** Whether `taskset` can pin processes here (to measure one core as one core). */
export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
