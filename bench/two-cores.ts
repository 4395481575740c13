/**
 * Both cores: two Baton nodes as two child processes, each with its own createBaton and its own
 * SQLite connection on the SAME database file (WAL, the store's busy_timeout), each running the
 * service-layer loop — how two Baton nodes on one machine share the store.
 *
 * "One core" is meant literally: with taskset available the processes are pinned (all their
 * threads, so V8's background GC threads too) and re-pinned between runs:
 *   one core   node A on CPU 0 (node B idle)
 *   two cores  node A on CPU 0, node B on CPU 1
 *   one node   node A on CPUs 0-1 (its GC helpers may use the other core; node B idle)
 * The same warmed-up processes take part in every run, rounds interleaved, median of 3.
 * Mode `bare` runs the same protocol with bare bpmn-engine in memory: how far this machine itself
 * scales for this kind of work (the ceiling for Baton's ratio).
 *
 *   node --import tsx bench/two-cores.ts                       # modes bare, service, http
 *   BENCH_TWO_CORES_MODES=service BENCH_TWO_CORES_MS=5000 node --import tsx bench/two-cores.ts
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

import { busyCores, envCount, fmt, hasTaskset, isMain, median, ratioText, readTicks, SIMPLE_KEY, startBenchBaton, writeResult } from './fixtures.js';
import { statusCounts } from './service-throughput.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerMode } from './two-cores-worker.js';

const WORKER = fileURLToPath(new URL('./two-cores-worker.ts', import.meta.url));

/** A bench node in a child process (TypeScript through tsx), spoken to over IPC. */
class BenchNode {
  private readonly child: ChildProcess;
  private readonly inbox: FromWorker[] = [];
  private waiter: { resolve: (message: FromWorker) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(config: WorkerConfig) {
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(config), BENCH_RESULT: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: FromWorker) => {
      if (message.type === 'error') return this.fail(new Error(`bench node: ${message.message}`));
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(message);
      } else {
        this.inbox.push(message);
      }
    });
    this.child.on('error', (err) => this.fail(err));
    this.child.on('exit', (code, signal) => {
      if (code !== 0) this.fail(new Error(`bench node exited (${code ?? signal})`));
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('bench node has no pid');
    return this.child.pid;
  }

  /** Moves every thread of the process to these CPUs (e.g. '0' or '0,1'). */
  pin(cpus: string): void {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(this.pid)], { stdio: 'ignore' });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(err);
    }
  }

  send(message: ToWorker): void {
    this.child.send(message);
  }

  async next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    const message = this.inbox.shift() ?? (await this.receive());
    if (message.type !== type) throw new Error(`expected '${type}' from bench node, got '${message.type}'`);
    return message as Extract<FromWorker, { type: T }>;
  }

  private receive(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.send({ type: 'stop' });
    await this.next('stopped');
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface RunFigure {
  perSec: number;
  count: number;
  /** CPU time of the node processes ÷ wall time: how many cores they kept busy. */
  cores: number;
  /** Average time inside the SQLite write transaction, waiting for the other node's lock included. */
  commitUs: number;
  /** Share of writes (step commits, ticket upserts) that took ≥ 1 ms: they met the other node's lock. */
  slowWrites: number;
  /** Cores kept busy by other processes on the machine during the run (noise), and hypervisor steal. */
  others: number;
}

async function runNodes(nodes: BenchNode[], durationMs: number): Promise<RunFigure> {
  const before = readTicks();
  for (const node of nodes) node.send({ type: 'run', durationMs });
  const done = await Promise.all(nodes.map((node) => node.next('done')));
  const machine = busyCores(before, readTicks(), cpus().length);
  const count = done.reduce((sum, d) => sum + d.count, 0);
  const ms = Math.max(...done.map((d) => d.ms));
  const commits = done.reduce((sum, d) => sum + d.commits, 0);
  const commitMs = done.reduce((sum, d) => sum + d.commitMs, 0);
  const cpuMs = done.reduce((sum, d) => sum + d.cpuMs, 0);
  const writes = done.reduce((sum, d) => sum + d.writes, 0);
  const slow = done.reduce((sum, d) => sum + d.slowWrites, 0);
  const cores = cpuMs / ms;
  // The nodes are still running, so their CPU is not in the children counters: subtract what they reported.
  const others = machine ? Math.max(0, machine.machine - cores) + machine.steal : 0;
  return { perSec: (count * 1000) / ms, count, cores, commitUs: commits ? (commitMs * 1000) / commits : 0, slowWrites: writes ? slow / writes : 0, others };
}

export interface Setting {
  perSec: number;
  runs: number[];
  cores: number;
  commitUs: number;
  slowWrites: number;
  others: number;
}

export interface TwoCoresResult {
  mode: WorkerMode;
  pinned: boolean;
  durationMs: number;
  inFlightPerNode: number;
  oneCore: Setting;
  twoCores: Setting;
  oneNode: Setting;
  /** two cores ÷ one core: the target's ratio. */
  ratio: number;
  /** two cores ÷ one unpinned node. */
  ratioToOneNode: number;
  instancesCompleted: number | null;
}

function settle(figures: RunFigure[]): Setting {
  return {
    perSec: median(figures.map((f) => f.perSec)),
    runs: figures.map((f) => f.perSec),
    cores: median(figures.map((f) => f.cores)),
    commitUs: median(figures.map((f) => f.commitUs)),
    slowWrites: median(figures.map((f) => f.slowWrites)),
    others: Math.max(...figures.map((f) => f.others)),
  };
}

export async function runTwoCores(mode: WorkerMode, options: { durationMs?: number; rounds?: number; inFlight?: number } = {}): Promise<TwoCoresResult> {
  const durationMs = options.durationMs ?? envCount('TWO_CORES_MS', 3500);
  const rounds = options.rounds ?? 3;
  const inFlight = options.inFlight ?? 1;
  const warmup = 300;
  const pinned = hasTaskset();
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-2c-'));
  const file = path.join(dir, 'baton.db');
  const nodes: BenchNode[] = [];
  try {
    if (mode !== 'bare') {
      // Create, migrate, seed and deploy once, so the nodes only open the file.
      const setup = await startBenchBaton({ file });
      await setup.close();
    }
    const config: WorkerConfig = { file, mode, processKey: SIMPLE_KEY, inFlight, warmup };
    nodes.push(new BenchNode(config), new BenchNode(config));
    const [a, b] = nodes;
    if (!a || !b) throw new Error('no bench nodes');
    await Promise.all(nodes.map((node) => node.next('ready')));
    // A discarded round: the first run after (re)pinning is reliably slow (V8 still optimising,
    // now on one core with its compiler threads), which would bias the one-core figure down.
    const settling = Math.min(1500, durationMs);
    if (pinned) a.pin('0');
    let settled = (await runNodes([a], settling)).count;
    if (pinned) b.pin('1');
    settled += (await runNodes([a, b], settling)).count;
    if (pinned) a.pin('0,1');
    settled += (await runNodes([a], settling)).count;
    const oneCore: RunFigure[] = [];
    const twoCores: RunFigure[] = [];
    const oneNode: RunFigure[] = [];
    for (let round = 0; round < rounds; round++) {
      if (pinned) a.pin('0');
      oneCore.push(await runNodes([a], durationMs));
      if (pinned) b.pin('1');
      twoCores.push(await runNodes([a, b], durationMs));
      if (pinned) a.pin('0,1');
      oneNode.push(await runNodes([a], durationMs));
    }
    const result: TwoCoresResult = {
      mode,
      pinned,
      durationMs,
      inFlightPerNode: inFlight,
      oneCore: settle(oneCore),
      twoCores: settle(twoCores),
      oneNode: settle(oneNode),
      ratio: 0,
      ratioToOneNode: 0,
      instancesCompleted: null,
    };
    result.ratio = result.twoCores.perSec / result.oneCore.perSec;
    result.ratioToOneNode = result.twoCores.perSec / result.oneNode.perSec;

    if (mode !== 'bare') {
      await Promise.all(nodes.map((node) => node.stop()));
      const db = new Database(file, { readonly: true });
      const counts = statusCounts(db);
      db.close();
      const expected = 2 * warmup + settled + [...oneCore, ...twoCores, ...oneNode].reduce((sum, r) => sum + r.count, 0);
      if (counts['completed'] !== expected || Object.keys(counts).some((status) => status !== 'completed')) {
        throw new Error(`expected ${expected} completed instances and nothing else, the database has ${JSON.stringify(counts)}`);
      }
      result.instancesCompleted = expected;
    }
    printTwoCores(result, rounds);
    return result;
  } finally {
    await Promise.all(nodes.map((node) => node.stop().catch(() => node.kill())));
    rmSync(dir, { recursive: true, force: true });
  }
}

const MODE_LABEL: Record<WorkerMode, string> = {
  bare: 'bare bpmn-engine in memory (machine reference, no store)',
  service: 'Baton service layer, one SQLite file shared by both nodes',
  http: 'Baton over HTTP (server and fetch client in each node), one SQLite file shared',
};

function printTwoCores(result: TwoCoresResult, rounds: number): void {
  console.log(
    `two cores — ${MODE_LABEL[result.mode]}; ${result.inFlightPerNode} in flight per node, ${result.durationMs / 1000} s per run, median of ${rounds}${result.pinned ? ', pinned with taskset' : ', NOT pinned (no taskset)'}`,
  );
  const line = (name: string, s: Setting) =>
    console.log(
      `  ${name.padEnd(32)} ${fmt(s.perSec).padStart(5)} instances/s  (runs ${s.runs.map((r) => fmt(r)).join(', ')})  ${fmt(s.cores, 2)} cores busy, others ≤ ${fmt(s.others, 2)}` +
        (result.mode === 'bare' ? '' : `  commit ${fmt(s.commitUs)} µs avg, ${fmt(100 * s.slowWrites, 1)} % of writes ≥ 1 ms`),
    );
  line('one core (node A on CPU 0)', result.oneCore);
  line('two cores (A on CPU 0, B on 1)', result.twoCores);
  line('one node, both CPUs allowed', result.oneNode);
  console.log(`  ratio two cores ÷ one core ${ratioText(result.ratio)}× (target ≥ 1.70); two cores ÷ one unpinned node ${ratioText(result.ratioToOneNode)}×`);
  if (result.instancesCompleted !== null) console.log(`  checked: ${result.instancesCompleted} instances completed and saved in the shared file`);
}

if (isMain(import.meta.url)) {
  const modes = (process.env['BENCH_TWO_CORES_MODES'] ?? 'bare,service,http').split(',').map((m) => m.trim());
  const results: TwoCoresResult[] = [];
  for (const mode of modes) {
    if (mode !== 'bare' && mode !== 'service' && mode !== 'http') throw new Error(`unknown mode ${mode}`);
    results.push(await runTwoCores(mode));
  }
  writeResult({ bench: 'two-cores', results });
}
