/**
 * Both cores: two worker threads, each with its own createBaton and its own SQLite connection on
 * the SAME database file (WAL, busy_timeout as configured by the store), each running the
 * service-layer loop — how two Baton nodes on one machine would share the store. Compared, in the
 * same run and with the same warmed-up workers, with one worker running alone.
 *
 *   node --import tsx bench/two-cores.ts            # service layer, then HTTP
 *   BENCH_TWO_CORES_MODES=service node --import tsx bench/two-cores.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import Database from 'better-sqlite3';

import { envCount, fmt, isMain, median, SIMPLE_KEY, startBenchBaton, writeResult } from './fixtures.js';
import type { FromWorker, ToWorker, WorkerConfig, WorkerMode } from './two-cores-worker.js';

/** A worker thread that runs TypeScript: tsx is registered inside it before the worker module loads. */
class BenchWorker {
  private readonly worker: Worker;
  private readonly inbox: FromWorker[] = [];
  private waiter: { resolve: (message: FromWorker) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(config: WorkerConfig) {
    const url = new URL('./two-cores-worker.ts', import.meta.url).href;
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
    this.worker = new Worker(code, { eval: true, workerData: config });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'error') return this.fail(new Error(`worker: ${message.message}`));
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(message);
      } else {
        this.inbox.push(message);
      }
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`worker exited with code ${code}`));
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(err);
    }
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  async next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    const message = this.inbox.shift() ?? (await this.receive());
    if (message.type !== type) throw new Error(`expected '${type}' from worker, got '${message.type}'`);
    return message as Extract<FromWorker, { type: T }>;
  }

  private receive(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  async stop(): Promise<void> {
    this.send({ type: 'stop' });
    await this.next('stopped');
    await this.worker.terminate();
  }
}

interface RunFigure {
  perSec: number;
  count: number;
  /** Average time inside the SQLite write transaction, waiting for the lock included. */
  commitUs: number;
}

async function runWorkers(workers: BenchWorker[], durationMs: number): Promise<RunFigure> {
  for (const worker of workers) worker.send({ type: 'run', durationMs });
  const done = await Promise.all(workers.map((worker) => worker.next('done')));
  const count = done.reduce((sum, d) => sum + d.count, 0);
  const ms = Math.max(...done.map((d) => d.ms));
  const commits = done.reduce((sum, d) => sum + d.commits, 0);
  const commitMs = done.reduce((sum, d) => sum + d.commitMs, 0);
  return { perSec: (count * 1000) / ms, count, commitUs: commits ? (commitMs * 1000) / commits : 0 };
}

export interface TwoCoresResult {
  mode: WorkerMode;
  durationMs: number;
  inFlightPerWorker: number;
  one: { perSec: number; runs: number[]; commitUs: number };
  two: { perSec: number; runs: number[]; commitUs: number };
  ratio: number;
  instancesCompleted: number;
}

export async function runTwoCores(mode: WorkerMode, options: { durationMs?: number; rounds?: number; inFlight?: number } = {}): Promise<TwoCoresResult> {
  const durationMs = options.durationMs ?? envCount('TWO_CORES_MS', 4000);
  const rounds = options.rounds ?? 3;
  const inFlight = options.inFlight ?? 1;
  const warmup = 150;
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-2c-'));
  const file = path.join(dir, 'baton.db');
  try {
    // Create, migrate, seed and deploy once, so the workers only open the file.
    const setup = await startBenchBaton({ file });
    await setup.close();

    const config: WorkerConfig = { file, mode, processKey: SIMPLE_KEY, inFlight, warmup };
    const workers = [new BenchWorker(config), new BenchWorker(config)];
    const [first] = workers;
    if (!first) throw new Error('no worker');
    try {
      await Promise.all(workers.map((worker) => worker.next('ready')));
      const ones: RunFigure[] = [];
      const twos: RunFigure[] = [];
      for (let round = 0; round < rounds; round++) {
        ones.push(await runWorkers([first], durationMs));
        twos.push(await runWorkers(workers, durationMs));
      }
      const one = { perSec: median(ones.map((r) => r.perSec)), runs: ones.map((r) => r.perSec), commitUs: median(ones.map((r) => r.commitUs)) };
      const two = { perSec: median(twos.map((r) => r.perSec)), runs: twos.map((r) => r.perSec), commitUs: median(twos.map((r) => r.commitUs)) };
      const ratio = two.perSec / one.perSec;

      const db = new Database(file, { readonly: true });
      const rows = db.prepare('SELECT status, count(*) AS n FROM instances GROUP BY status').all() as { status: string; n: number }[];
      db.close();
      const counts = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      const completed = counts['completed'] ?? 0;
      const expected = 2 * warmup + [...ones, ...twos].reduce((sum, r) => sum + r.count, 0);
      if (completed !== expected || Object.keys(counts).some((status) => status !== 'completed')) {
        throw new Error(`expected ${expected} completed instances and nothing else, the database has ${JSON.stringify(counts)}`);
      }

      const what = mode === 'service' ? 'service layer' : 'HTTP (server and fetch client in each worker)';
      console.log(`two cores: worker threads, each its own Baton on one SQLite file (WAL) — ${what}, ${inFlight} in flight per worker, ${durationMs / 1000} s per run, median of ${rounds}`);
      console.log(`  1 worker   ${fmt(one.perSec).padStart(5)} instances/s  (runs ${one.runs.map((r) => fmt(r)).join(', ')})  SQLite commit ${fmt(one.commitUs)} µs avg`);
      console.log(`  2 workers  ${fmt(two.perSec).padStart(5)} instances/s  (runs ${two.runs.map((r) => fmt(r)).join(', ')})  SQLite commit ${fmt(two.commitUs)} µs avg (lock waits included)`);
      console.log(`  ratio 2 workers ÷ 1 worker: ${fmt(ratio, 2)}×  (target ≥ 1.70)`);
      console.log(`  checked: ${completed} instances completed and saved in the shared file`);
      return { mode, durationMs, inFlightPerWorker: inFlight, one, two, ratio, instancesCompleted: completed };
    } finally {
      await Promise.all(workers.map((worker) => worker.stop().catch(() => undefined)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const modes = (process.env['BENCH_TWO_CORES_MODES'] ?? 'service,http').split(',').map((m) => m.trim()) as WorkerMode[];
  const results: TwoCoresResult[] = [];
  for (const mode of modes) {
    if (mode !== 'service' && mode !== 'http') throw new Error(`unknown mode ${String(mode)}`);
    results.push(await runTwoCores(mode));
  }
  writeResult({ bench: 'two-cores', results });
}
