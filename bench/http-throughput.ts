/**
 * The same instance life (start → user task → complete → end) through real HTTP: Baton's Express
 * app listening on 127.0.0.1 (signed in with a bearer token, as a program would), driven with fetch
 * (keep-alive) two ways:
 * - from a client process of its own (bench/http-client.ts), pinned to a CPU this process may not
 *   use when there is one: how HTTP servers are measured, the server's core serves only;
 * - from the same process: one core for server *and* client, the conservative number.
 * Bare bpmn-engine and the service layer are measured in the same run, interleaved, as baselines.
 *
 *   taskset -c 0 node --import tsx bench/http-throughput.ts
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

import { ConflictError } from '../server/errors.js';
import { bareCycle, contextOf, parseAll } from './bare-engine.js';
import {
  envCount,
  findFigure,
  hasTaskset,
  interleaved,
  runAsMain,
  printFigures,
  ratioText,
  SIMPLE_KEY,
  startBenchBaton,
  timeCycles,
  type BenchBaton,
  type Cycle,
  type Figure,
  type Timing,
} from './fixtures.js';
import type { FromClient, ToClient } from './http-client.js';
import { serviceCycle, statusCounts } from './service-throughput.js';

interface StartResponse {
  id: string;
  status: string;
  openTasks: { id: string }[];
}

interface TaskResponse {
  id: string;
  status: string;
}

async function postJson<T>(url: string, body: unknown, expected: number, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** POST /api/instances, then POST /api/tasks/:id/complete; checks the task closed. */
export function httpCycle(baseUrl: string, processKey: string, token: string): Cycle {
  return async () => {
    const started = await postJson<StartResponse>(`${baseUrl}/api/instances`, { processKey, variables: { approved: true } }, 201, token);
    const task = started.openTasks[0];
    if (!task) throw new Error(`instance ${started.id} opened no task`);
    const closed = await postJson<TaskResponse>(`${baseUrl}/api/tasks/${encodeURIComponent(task.id)}/complete`, { variables: { approved: true } }, 200, token);
    if (closed.status !== 'completed') throw new Error(`task ${task.id} is ${closed.status} after completion`);
  };
}

const BENCH_USER = { username: 'bench', password: 'bench-password-1' };

/** A bearer token of the bench's admin, created on first use (two nodes on one file may race to create it). */
async function benchToken(bench: BenchBaton, baseUrl: string): Promise<string> {
  if (!(await bench.store.users.getByUsername(BENCH_USER.username))) {
    try {
      await bench.baton.users.create({ ...BENCH_USER, role: 'admin', departments: [], skills: [] });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return (await postJson<{ token: string }>(`${baseUrl}/api/auth/token`, BENCH_USER, 201)).token;
}

/** Baton's app listening on an ephemeral loopback port, with a bearer token to call it. */
export async function listen(bench: BenchBaton): Promise<{ server: Server; baseUrl: string; token: string; close: () => Promise<void> }> {
  const server = bench.baton.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    server,
    baseUrl,
    token: await benchToken(bench, baseUrl),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The CPUs this process may run on (Linux), e.g. [0] under `taskset -c 0`; null when unknown. */
function allowedCpus(): number[] | null {
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (!line) return null;
    return line.split(',').flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      if (from === undefined || Number.isNaN(from)) return [];
      return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return null;
  }
}

/** bench/http-client.ts in a child process, on the CPUs this process does not use when there are any. */
class ClientProcess {
  private readonly child: ChildProcess;
  private pending: { resolve: (message: FromClient) => void; reject: (err: Error) => void } | null = null;
  readonly where: string;

  private constructor() {
    this.child = fork(fileURLToPath(new URL('./http-client.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_RESULT: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: FromClient) => {
      const pending = this.pending;
      this.pending = null;
      if (message.type === 'error') pending?.reject(new Error(`HTTP client: ${message.message}`));
      else pending?.resolve(message);
    });
    this.child.on('exit', (code) => this.pending?.reject(new Error(`HTTP client exited (${code})`)));
    const mine = allowedCpus();
    const others = mine
      ? cpus()
          .map((_, i) => i)
          .filter((cpu) => !mine.includes(cpu))
      : [];
    if (others.length && hasTaskset() && this.child.pid !== undefined) {
      execFileSync('taskset', ['-a', '-p', '-c', others.join(','), String(this.child.pid)], { stdio: 'ignore' });
      this.where = `client on CPU ${others.join(',')}, server on CPU ${mine?.join(',') ?? '?'}`;
    } else {
      this.where = 'client and server share the CPUs';
    }
  }

  static async start(): Promise<ClientProcess> {
    const client = new ClientProcess();
    await client.next();
    return client;
  }

  async run(http: { baseUrl: string; token: string }, processKey: string, count: number, concurrency: number): Promise<Timing> {
    const message: ToClient = { type: 'run', baseUrl: http.baseUrl, token: http.token, processKey, count, concurrency };
    const reply = this.next();
    this.child.send(message);
    const done = await reply;
    if (done.type !== 'done') throw new Error(`HTTP client answered ${done.type}`);
    return { count, concurrency, ms: done.ms, perSec: done.perSec };
  }

  stop(): void {
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ToClient);
  }

  private next(): Promise<FromClient> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }
}

export interface HttpResult {
  process: string;
  figures: Figure[];
  /** HTTP sequential ÷ bare sourceContext sequential. */
  ratioToBare: number;
  /** HTTP sequential ÷ service layer sequential. */
  ratioToService: number;
  /** HTTP N in flight ÷ bare N in flight. */
  ratioInFlightToBare: number;
  /** The same two ratios with the client in its own process. */
  apartToBare: number;
  apartInFlightToBare: number;
  instancesCompleted: number;
}

export async function runHttp(options: { count?: number; inFlight?: number; rounds?: number } = {}): Promise<HttpResult> {
  const count = options.count ?? envCount('HTTP_COUNT', 300);
  const inFlight = options.inFlight ?? 50;
  const rounds = options.rounds ?? 3;
  const processKey = SIMPLE_KEY;
  const contexts = await parseAll();
  const bench = await startBenchBaton();
  const http = await listen(bench);
  const client = await ClientProcess.start();
  try {
    const bare = bareCycle({ sourceContext: contextOf(contexts, processKey) });
    const service = serviceCycle(bench.baton, processKey);
    const overHttp = httpCycle(http.baseUrl, processKey, http.token);
    await timeCycles(200, 1, bare);
    await timeCycles(200, 1, service);
    await timeCycles(200, 4, overHttp);
    await client.run(http, processKey, 200, 4);
    console.log(`HTTP (fetch → Express → service layer → SQLite; ${client.where}) — ${count} instances per run, median of ${rounds}`);
    const figures = await interleaved(rounds, [
      { name: 'bare engine (sourceContext), sequential', run: () => timeCycles(count, 1, bare) },
      { name: 'Baton service layer, sequential', run: () => timeCycles(count, 1, service) },
      { name: 'Baton over HTTP, sequential', run: () => timeCycles(count, 1, overHttp) },
      { name: `bare engine (sourceContext), ${inFlight} in flight`, run: () => timeCycles(count, inFlight, bare) },
      { name: `Baton over HTTP, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, overHttp) },
      { name: 'Baton over HTTP, client apart, sequential', run: () => client.run(http, processKey, count, 1) },
      { name: `Baton over HTTP, client apart, ${inFlight} in flight`, run: () => client.run(http, processKey, count, inFlight) },
    ]);
    const bareSeq = findFigure(figures, 'bare engine (sourceContext), sequential');
    printFigures(figures, bareSeq);
    const httpSeq = findFigure(figures, 'Baton over HTTP, sequential');
    const ratioToBare = httpSeq.perSec / bareSeq.perSec;
    const ratioToService = httpSeq.perSec / findFigure(figures, 'Baton service layer, sequential').perSec;
    const bareInFlight = findFigure(figures, `bare engine (sourceContext), ${inFlight} in flight`);
    const ratioInFlightToBare = findFigure(figures, `Baton over HTTP, ${inFlight} in flight`).perSec / bareInFlight.perSec;
    const apartToBare = findFigure(figures, 'Baton over HTTP, client apart, sequential').perSec / bareSeq.perSec;
    const apartInFlightToBare = findFigure(figures, `Baton over HTTP, client apart, ${inFlight} in flight`).perSec / bareInFlight.perSec;
    const completed = statusCounts(bench.store.db)['completed'] ?? 0;
    const expected = 600 + rounds * count * 5;
    if (completed !== expected) throw new Error(`expected ${expected} completed instances, the database has ${completed}`);
    console.log(
      `  ratio HTTP ÷ bare: sequential ${ratioText(ratioToBare)}, ${inFlight} in flight ${ratioText(ratioInFlightToBare)};` + ` HTTP ÷ service layer (sequential) ${ratioText(ratioToService)}`,
    );
    console.log(`  ratio HTTP (client apart) ÷ bare: sequential ${ratioText(apartToBare)}, ${inFlight} in flight ${ratioText(apartInFlightToBare)}  (target ≥ 0.60)`);
    console.log(`  checked: ${completed} instances completed and saved`);
    return { process: processKey, figures, ratioToBare, ratioToService, ratioInFlightToBare, apartToBare, apartInFlightToBare, instancesCompleted: completed };
  } finally {
    client.stop();
    await http.close();
    await bench.close();
  }
}

await runAsMain(import.meta.url, 'http-throughput', 'result', () => runHttp());
