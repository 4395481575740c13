/**
 * One node of bench/two-cores.ts, in a worker thread: its own createBaton (own SQLite connection)
 * on the shared database file, running the service-layer (or HTTP) loop for a fixed time when told.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

import { SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { startBenchBaton, timeCycles, type Cycle } from './fixtures.js';
import { httpCycle, listen } from './http-throughput.js';
import { serviceCycle } from './service-throughput.js';

export type WorkerMode = 'service' | 'http';

export interface WorkerConfig {
  file: string;
  mode: WorkerMode;
  processKey: string;
  inFlight: number;
  warmup: number;
}

export type ToWorker = { type: 'run'; durationMs: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; count: number; ms: number; commitMs: number; commits: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

/** Time spent in the SQLite write transaction (including waiting for the other node's lock). */
const commitClock = { ms: 0, commits: 0 };

function timeCommits(): void {
  const proto = SqliteStore.prototype;
  const original = proto.commitStepSync;
  proto.commitStepSync = function timedCommit(this: SqliteStore, ...args: Parameters<SqliteStore['commitStepSync']>) {
    const began = performance.now();
    try {
      original.apply(this, args);
    } finally {
      commitClock.ms += performance.now() - began;
      commitClock.commits += 1;
    }
  };
}

/** Runs cycles with `inFlight` lanes until the deadline; cycles in progress at the deadline finish and count. */
async function runFor(durationMs: number, inFlight: number, cycle: Cycle): Promise<{ count: number; ms: number }> {
  const began = performance.now();
  const deadline = began + durationMs;
  let count = 0;
  let index = 0;
  const lane = async () => {
    while (performance.now() < deadline) {
      await cycle(index++);
      count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { count, ms: performance.now() - began };
}

async function main(port: NonNullable<typeof parentPort>, config: WorkerConfig): Promise<void> {
  timeCommits();
  const bench = await startBenchBaton({ file: config.file });
  const http = config.mode === 'http' ? await listen(bench) : null;
  const cycle = http ? httpCycle(http.baseUrl, config.processKey) : serviceCycle(bench.baton, config.processKey);
  await timeCycles(config.warmup, config.inFlight, cycle);
  const send = (message: FromWorker) => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'run') {
      commitClock.ms = 0;
      commitClock.commits = 0;
      runFor(message.durationMs, config.inFlight, cycle).then(
        ({ count, ms }) => send({ type: 'done', count, ms, commitMs: commitClock.ms, commits: commitClock.commits }),
        (err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
    } else {
      void (async () => {
        await http?.close();
        await bench.close();
        send({ type: 'stopped' });
        port.close();
      })();
    }
  });
  send({ type: 'ready' });
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as WorkerConfig).catch((err: unknown) => {
    port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies FromWorker);
  });
}
