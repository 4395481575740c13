/**
 * Load under the security changes (issue 21): for BENCH_LOAD_SECONDS (default 30) workers over real
 * HTTP start instances, complete their task and list queues and instances, while live inbox
 * sockets (BENCH_LOAD_SOCKETS staff of department l1) listen. Counts every answer by status
 * (a 5xx fails the run), the latency of each operation, and the events the sockets lost: every
 * task opened must reach every socket as `task:created`, and its completion as `task:removed`.
 * Bearer tokens are taken before the clock starts (sign-in is bcrypt in worker threads now).
 *
 *   node --import tsx bench/security-load.ts      (BENCH_LOAD_SECONDS=30 BENCH_LOAD_WORKERS=8 BENCH_LOAD_SOCKETS=20)
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import { io, type Socket } from 'socket.io-client';

import { INBOX_NAMESPACE, type ServerToClientEvents } from '../server/live/live-events.js';
import { diagram, envCount, fmt, runAsMain, startBenchBaton } from './fixtures.js';

const KEY = 'securityLoad';
const PROCESS = diagram(
  KEY,
  `    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work" name="Work" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" /><bpmn:endEvent id="end" />`,
);
const PASSWORD = 'load-password-0123456789';

export interface LoadResult {
  seconds: number;
  workers: number;
  sockets: number;
  operations: Record<string, { count: number; perSec: number; p50: number; p95: number; p99: number }>;
  statuses: Record<string, number>;
  serverErrors: number;
  tasksOpened: number;
  lostCreated: number;
  lostRemoved: number;
  gapsInTicketNumbers: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function securityLoad(): Promise<LoadResult> {
  const seconds = envCount('LOAD_SECONDS', 30);
  const workers = envCount('LOAD_WORKERS', 8);
  const socketCount = envCount('LOAD_SOCKETS', 20);
  const bench = await startBenchBaton();
  const { baton } = bench;
  await baton.definitions.deploy(PROCESS);
  const server = baton.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const live = baton.attachLive(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const token = async (username: string): Promise<string> => {
    const res = await fetch(`${baseUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  };
  await baton.users.create({ username: 'loader', password: PASSWORD, role: 'admin', departments: [], skills: [] });
  const created = new Map<string, number>();
  const removed = new Map<string, number>();
  const sockets: Socket<ServerToClientEvents>[] = [];
  for (let index = 0; index < socketCount; index++) {
    await baton.users.create({ username: `staff${index}`, password: PASSWORD, role: 'staff', departments: ['l1'], skills: [] });
    const socket: Socket<ServerToClientEvents> = io(`${baseUrl}${INBOX_NAMESPACE}`, { transports: ['websocket'], auth: { token: await token(`staff${index}`) }, reconnection: false, forceNew: true });
    socket.on('task:created', (event) => created.set(event.task.id, (created.get(event.task.id) ?? 0) + 1));
    socket.on('task:removed', (event) => removed.set(event.taskId, (removed.get(event.taskId) ?? 0) + 1));
    await new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', reject);
    });
    sockets.push(socket);
  }
  const headers = { authorization: `Bearer ${await token('loader')}`, 'content-type': 'application/json' };

  const latencies: Record<string, number[]> = { start: [], complete: [], 'list tasks': [], 'list instances': [] };
  const statuses: Record<string, number> = {};
  const opened: string[] = [];
  const call = async (name: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const began = performance.now();
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json: unknown = await res.json();
    latencies[name]!.push(performance.now() - began);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    return { status: res.status, json };
  };

  const deadline = performance.now() + seconds * 1000;
  const worker = async (index: number): Promise<void> => {
    for (let round = 0; performance.now() < deadline; round++) {
      const started = await call('start', 'POST', '/api/instances', { processKey: KEY, variables: { worker: index, round } });
      const task = (started.json as { openTasks?: { id: string }[] }).openTasks?.[0];
      if (!task) continue;
      opened.push(task.id);
      if (round % 4 === 0) await call('list tasks', 'GET', '/api/tasks?department=l1&limit=50');
      if (round % 4 === 2) await call('list instances', 'GET', '/api/instances?limit=50');
      await call('complete', 'POST', `/api/tasks/${task.id}/complete`, { variables: {} });
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
  const elapsed = (performance.now() - began) / 1000;
  // Events still in flight when the last answer arrived get a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const lostCreated = opened.reduce((sum, id) => sum + (socketCount - (created.get(id) ?? 0)), 0);
  const lostRemoved = opened.reduce((sum, id) => sum + (socketCount - (removed.get(id) ?? 0)), 0);
  const numbers = (await bench.store.instances.list({ limit: 100_000, offset: 0 }))
    .filter((instance) => instance.processKey === KEY)
    .map((instance) => Number(instance.ticketNumber.split('-').at(-1)));
  numbers.sort((a, b) => a - b);
  const gaps = numbers.filter((value, index) => value !== index + 1).length;

  sockets.forEach((socket) => socket.disconnect());
  await live.close();
  await new Promise((resolve) => server.close(resolve));
  await bench.close();

  const operations = Object.fromEntries(
    Object.entries(latencies).map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [name, { count: values.length, perSec: values.length / elapsed, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) }];
    }),
  );
  const serverErrors = Object.entries(statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  return { seconds: elapsed, workers, sockets: socketCount, operations, statuses, serverErrors, tasksOpened: opened.length, lostCreated, lostRemoved, gapsInTicketNumbers: gaps };
}

function print(result: LoadResult): void {
  console.log(`security load: ${fmt(result.seconds, 1)} s, ${result.workers} HTTP workers, ${result.sockets} live sockets`);
  for (const [name, op] of Object.entries(result.operations)) {
    console.log(`  ${name.padEnd(15)} ${String(op.count).padStart(6)}  ${fmt(op.perSec, 1).padStart(7)}/s  p50 ${fmt(op.p50, 1)} ms  p95 ${fmt(op.p95, 1)} ms  p99 ${fmt(op.p99, 1)} ms`);
  }
  console.log(`  statuses ${JSON.stringify(result.statuses)}; 5xx: ${result.serverErrors}`);
  console.log(`  tasks opened ${result.tasksOpened}; socket events lost: created ${result.lostCreated}, removed ${result.lostRemoved}; ticket number gaps: ${result.gapsInTicketNumbers}`);
}

await runAsMain(import.meta.url, 'security-load', 'load', async () => {
  const result = await securityLoad();
  print(result);
  if (result.serverErrors > 0 || result.lostCreated > 0 || result.lostRemoved > 0 || result.gapsInTicketNumbers > 0) process.exitCode = 1;
  return result;
});
