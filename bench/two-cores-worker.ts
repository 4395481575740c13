/**
 * One node of bench/two-cores.ts, as a child process: its own createBaton (own SQLite connection)
 * on the shared database file, running the service-layer or HTTP loop for a fixed time when told.
 * Mode `bare` runs bare bpmn-engine in memory instead: the machine's own scaling, for reference.
 */
import { performance } from 'node:perf_hooks';

import { SqliteInstanceStore } from '../server/stores/sqlite/sqlite-instance.store.js';
import { SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { bareCycle, contextOf, parseAll } from './bare-engine.js';
import { startBenchBaton, timeCycles, type Cycle } from './fixtures.js';
import { httpCycle, listen } from './http-throughput.js';
import { serviceCycle } from './service-throughput.js';

export type WorkerMode = 'bare' | 'service' | 'http';

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
  | { type: 'done'; count: number; ms: number; cpuMs: number; commitMs: number; commits: number; slowWrites: number; writes: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

/**
 * Time spent in the step's SQLite write transaction (waiting for the other node's lock included),
 * and how many writes — step commits and the ticket-number upsert — took over 1 ms: SQLite's busy
 * handler sleeps 1, 2, 5, ... ms when the other connection holds the write lock.
 */
const commitClock = { ms: 0, commits: 0, writes: 0, slowWrites: 0 };

function countWrite(ms: number): void {
  commitClock.writes += 1;
  if (ms >= 1) commitClock.slowWrites += 1;
}

function timeCommits(): void {
  const store = SqliteStore.prototype;
  const commit = store.commitStepSync;
  store.commitStepSync = function timedCommit(this: SqliteStore, ...args: Parameters<SqliteStore['commitStepSync']>) {
    const began = performance.now();
    try {
      commit.apply(this, args);
    } finally {
      const ms = performance.now() - began;
      commitClock.ms += ms;
      commitClock.commits += 1;
      countWrite(ms);
    }
  };
  const instances = SqliteInstanceStore.prototype;
  // Ticket numbers are taken inside commitStep now; the read of the last number is what remains apart.
  const ticket = instances.lastTicketSeq;
  // The method is async but does its one statement synchronously, before its first await.
  instances.lastTicketSeq = function timedTicket(this: SqliteInstanceStore, ...args: Parameters<SqliteInstanceStore['lastTicketSeq']>) {
    const began = performance.now();
    try {
      return ticket.apply(this, args);
    } finally {
      countWrite(performance.now() - began);
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

function send(message: FromWorker): void {
  process.send?.(message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function main(config: WorkerConfig): Promise<void> {
  timeCommits();
  let cycle: Cycle;
  let close: () => Promise<void>;
  if (config.mode === 'bare') {
    cycle = bareCycle({ sourceContext: contextOf(await parseAll(), config.processKey) });
    close = async () => undefined;
  } else {
    const bench = await startBenchBaton({ file: config.file });
    const http = config.mode === 'http' ? await listen(bench) : null;
    cycle = http ? httpCycle(http.baseUrl, config.processKey, http.token) : serviceCycle(bench.baton, config.processKey);
    close = async () => {
      await http?.close();
      await bench.close();
    };
  }
  await timeCycles(config.warmup, config.inFlight, cycle);
  process.on('message', (message: ToWorker) => {
    if (message.type === 'run') {
      Object.assign(commitClock, { ms: 0, commits: 0, writes: 0, slowWrites: 0 });
      const cpu = process.cpuUsage();
      runFor(message.durationMs, config.inFlight, cycle).then(
        ({ count, ms }) => {
          const used = process.cpuUsage(cpu);
          const { commits, writes, slowWrites } = commitClock;
          send({ type: 'done', count, ms, cpuMs: (used.user + used.system) / 1000, commitMs: commitClock.ms, commits, writes, slowWrites });
        },
        (err: unknown) => send({ type: 'error', message: errorText(err) }),
      );
    } else {
      close().then(
        () => {
          send({ type: 'stopped' });
          process.disconnect();
        },
        (err: unknown) => send({ type: 'error', message: errorText(err) }),
      );
    }
  });
  send({ type: 'ready' });
}

const config = process.env['BENCH_WORKER_CONFIG'];
if (config && process.send) {
  main(JSON.parse(config) as WorkerConfig).catch((err: unknown) => send({ type: 'error', message: errorText(err) }));
}
