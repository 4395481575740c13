/**
 * Live inbox latency: 500 socket.io clients across 10 departments (50 each), instances started at a
 * steady rate, each opening a task in one department (round robin) that is completed at once.
 * Latency = from the step that opened the task being committed (runner's `step.committed`) to its
 * `task:created` arriving at each eligible client. The clients run in a child process (one event
 * loop for all 500, as a load generator; `BENCH_INBOX_CLIENTS_INPROCESS=1` keeps them in the
 * server's process instead); both sides stamp with `performance.timeOrigin + performance.now()`,
 * the same machine clock. Also checks every eligible client got every task and no other any.
 *
 *   node --import tsx bench/inbox-latency.ts            (BENCH_INBOX_RATE=20 per s, BENCH_INBOX_SECONDS=15)
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { io, type Socket } from 'socket.io-client';

import { PasswordHasher } from '../server/auth/passwords.js';
import { createBaton } from '../server/baton.js';
import { INBOX_NAMESPACE, type ServerToClientEvents, type TaskCreatedEvent } from '../server/live/live-events.js';
import { openSqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { BENCH_CONFIG, busyCores, diagram, envCount, fmt, isMain, readTicks } from './fixtures.js';

const DEPARTMENTS = 10;
const PER_DEPARTMENT = 50;

const PROCESS = diagram(
  'inbox',
  `    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work" name="Work" camunda:candidateGroups="\${dept}" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" /><bpmn:endEvent id="end" />`,
);

/** Milliseconds on the machine's clock with sub-millisecond precision, comparable across processes. */
function stamp(): number {
  return performance.timeOrigin + performance.now();
}

/** One client: who it is and the secret it connects with. */
interface ClientSpec {
  username: string;
  department: string;
  token: string;
}

/** What a client saw: task, the client's department, arrival stamp. */
type Arrival = [taskId: string, department: string, at: number];

/** Connects every client and records arrivals; `ready` once all are connected. */
async function runClients(baseUrl: string, specs: ClientSpec[]): Promise<{ arrivals: Arrival[]; close: () => void }> {
  const arrivals: Arrival[] = [];
  const sockets = specs.map((spec) => {
    const socket: Socket<ServerToClientEvents> = io(`${baseUrl}${INBOX_NAMESPACE}`, { transports: ['websocket'], auth: { token: spec.token }, reconnection: false, forceNew: true });
    socket.on('task:created', (event: TaskCreatedEvent) => arrivals.push([event.task.id, spec.department, stamp()]));
    return socket;
  });
  await Promise.all(
    sockets.map((socket) =>
      socket.connected
        ? undefined
        : new Promise((resolve, reject) => {
            socket.once('connect', () => resolve(undefined));
            socket.once('connect_error', reject);
          }),
    ),
  );
  return { arrivals, close: () => sockets.forEach((socket) => socket.disconnect()) };
}

/** The child side: connect, say ready, on `stop` send the arrivals back. */
async function clientProcess(): Promise<void> {
  process.once('message', (message: { baseUrl: string; specs: ClientSpec[] }) => {
    runClients(message.baseUrl, message.specs).then(
      (clients) => {
        process.send?.({ ready: true });
        process.once('message', () => {
          process.send?.({ arrivals: clients.arrivals }, () => {
            clients.close();
            process.exit(0);
          });
        });
      },
      // The parent waits for `ready`: a child that cannot connect says why and exits, instead of hanging it.
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

/** Clients in a child process (default) or in this one. */
async function startClients(baseUrl: string, specs: ClientSpec[]): Promise<{ collect: () => Promise<Arrival[]> }> {
  if (process.env['BENCH_INBOX_CLIENTS_INPROCESS'] === '1') {
    const clients = await runClients(baseUrl, specs);
    return {
      collect: async () => {
        clients.close();
        return clients.arrivals;
      },
    };
  }
  const child = fork(fileURLToPath(import.meta.url), ['--clients'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  child.send({ baseUrl, specs });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the client process exited with ${code}`)));
  });
  return {
    collect: () =>
      new Promise<Arrival[]>((resolve) => {
        child.once('message', (message: { arrivals: Arrival[] }) => resolve(message.arrivals));
        child.send({ stop: true });
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface InboxLatencyResult {
  clients: number;
  tasks: number;
  deliveries: number;
  missing: number;
  wrongRoom: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  busyCores: number | null;
}

export async function runInboxLatency(options: { rate?: number; seconds?: number } = {}): Promise<InboxLatencyResult> {
  const rate = options.rate ?? envCount('INBOX_RATE', 20);
  const seconds = options.seconds ?? envCount('INBOX_SECONDS', 15);
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-inbox-bench-'));
  const store = openSqliteStore(path.join(dir, 'baton.db'));
  const baton = createBaton({ ...BENCH_CONFIG, store });
  const server = baton.app.listen(0, '127.0.0.1');
  try {
    // People: one hash for all (same password), 500 bearer tokens.
    const departments = Array.from({ length: DEPARTMENTS }, (_, i) => `dept-${i}`);
    for (const id of departments) await store.departments.upsert({ id, name: id, parentId: null });
    const passwordHash = await new PasswordHasher(4).hash('bench-password-1');
    const now = new Date().toISOString();
    const people: { username: string; department: string }[] = [];
    for (const department of departments) {
      for (let i = 0; i < PER_DEPARTMENT; i++) {
        const username = `${department}-u${i}`;
        people.push({ username, department });
        await store.users.insert({
          id: randomUUID(),
          username,
          displayName: username,
          role: 'staff',
          departments: [department],
          skills: [],
          disabled: false,
          passwordHash,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
    await baton.definitions.deploy(PROCESS);

    // Saved-at times, recorded before the live hub publishes (listeners run in attach order).
    const savedAt = new Map<string, number>();
    const departmentOf = new Map<string, string>();
    baton.runner.events.on('step.committed', ({ tasks }) => {
      for (const task of tasks) {
        if (task.version !== 1 || task.status !== 'open') continue;
        savedAt.set(task.id, stamp());
        departmentOf.set(task.id, task.department ?? '');
      }
    });
    if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
    baton.attachLive(server);
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const specs: ClientSpec[] = [];
    for (const person of people) {
      const { secret } = await baton.auth.signIn(person.username, 'bench-password-1', 'bench', 'token');
      specs.push({ ...person, token: secret });
    }
    const clients = await startClients(baseUrl, specs);
    console.log(`Live inbox: ${specs.length} socket.io clients (${DEPARTMENTS} departments × ${PER_DEPARTMENT}), ${rate} instances/s for ${seconds} s, each task completed at once`);

    // Steady rate: one start every 1000/rate ms; the task is completed right after it opens.
    const total = rate * seconds;
    const ticksBefore = readTicks();
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        (async () => {
          const { opened } = await baton.instances.start({ processKey: 'inbox', variables: { dept: departments[i % DEPARTMENTS] }, businessKey: null }, 'bench');
          await baton.tasks.complete(opened[0]!.id, {}, 'bench');
        })(),
      );
    }
    await Promise.all(inFlight);
    const achieved = total / ((performance.now() - started) / 1000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cores = busyCores(ticksBefore, readTicks(), cpus().length);
    const latencies: number[] = [];
    let wrongRoom = 0;
    for (const [taskId, department, at] of await clients.collect()) {
      const saved = savedAt.get(taskId);
      if (saved === undefined) continue;
      if (departmentOf.get(taskId) !== department) wrongRoom += 1;
      latencies.push(at - saved);
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const expected = total * PER_DEPARTMENT;
    const result: InboxLatencyResult = {
      clients: specs.length,
      tasks: savedAt.size,
      deliveries: latencies.length,
      missing: expected - latencies.length,
      wrongRoom,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      busyCores: cores?.machine ?? null,
    };
    console.log(`  achieved ${fmt(achieved, 1)} instances/s (start → task → complete → end)`);
    console.log(`  tasks ${fmt(result.tasks)}, deliveries ${fmt(result.deliveries)} of ${fmt(expected)} expected, missing ${result.missing}, to a wrong department ${result.wrongRoom}`);
    console.log(`  saved → task:created at each eligible client: p50 ${fmt(result.p50, 1)} ms, p90 ${fmt(result.p90, 1)} ms, p99 ${fmt(result.p99, 1)} ms, max ${fmt(result.max, 1)} ms`);
    if (cores) console.log(`  machine busy during the run: ${fmt(cores.machine, 2)} of ${cpus().length} cores (this process and everything else)`);
    return result;
  } finally {
    await baton.shutdown();
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--clients')) {
    await clientProcess();
  } else {
    await runInboxLatency();
    process.exit(0);
  }
}
