/**
 * The same instance life (start → user task → complete → end) through real HTTP: Baton's Express
 * app listening on 127.0.0.1 (signed in with a bearer token, as a program would), driven with fetch
 * (keep-alive) from the same process — so the figure is one core for server *and* client, a
 * conservative number. Bare bpmn-engine and the service layer are measured in the same run,
 * interleaved, as baselines.
 *
 *   node --import tsx bench/http-throughput.ts
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { ConflictError } from '../server/errors.js';
import { bareCycle, contextOf, parseAll } from './bare-engine.js';
import { envCount, findFigure, interleaved, runAsMain, printFigures, ratioText, SIMPLE_KEY, startBenchBaton, timeCycles, type BenchBaton, type Cycle, type Figure } from './fixtures.js';
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

export interface HttpResult {
  process: string;
  figures: Figure[];
  /** HTTP sequential ÷ bare sourceContext sequential. */
  ratioToBare: number;
  /** HTTP sequential ÷ service layer sequential. */
  ratioToService: number;
  /** HTTP N in flight ÷ bare N in flight. */
  ratioInFlightToBare: number;
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
  try {
    const bare = bareCycle({ sourceContext: contextOf(contexts, processKey) });
    const service = serviceCycle(bench.baton, processKey);
    const overHttp = httpCycle(http.baseUrl, processKey, http.token);
    await timeCycles(200, 1, bare);
    await timeCycles(200, 1, service);
    await timeCycles(200, 4, overHttp);
    console.log(`HTTP (fetch → Express → service layer → SQLite, client in the same process) — ${count} instances per run, median of ${rounds}`);
    const figures = await interleaved(rounds, [
      { name: 'bare engine (sourceContext), sequential', run: () => timeCycles(count, 1, bare) },
      { name: 'Baton service layer, sequential', run: () => timeCycles(count, 1, service) },
      { name: 'Baton over HTTP, sequential', run: () => timeCycles(count, 1, overHttp) },
      { name: `bare engine (sourceContext), ${inFlight} in flight`, run: () => timeCycles(count, inFlight, bare) },
      { name: `Baton over HTTP, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, overHttp) },
    ]);
    const bareSeq = findFigure(figures, 'bare engine (sourceContext), sequential');
    printFigures(figures, bareSeq);
    const httpSeq = findFigure(figures, 'Baton over HTTP, sequential');
    const ratioToBare = httpSeq.perSec / bareSeq.perSec;
    const ratioToService = httpSeq.perSec / findFigure(figures, 'Baton service layer, sequential').perSec;
    const ratioInFlightToBare = findFigure(figures, `Baton over HTTP, ${inFlight} in flight`).perSec / findFigure(figures, `bare engine (sourceContext), ${inFlight} in flight`).perSec;
    const completed = statusCounts(bench.store.db)['completed'] ?? 0;
    const expected = 400 + rounds * count * 3;
    if (completed !== expected) throw new Error(`expected ${expected} completed instances, the database has ${completed}`);
    console.log(
      `  ratio HTTP ÷ bare: sequential ${ratioText(ratioToBare)}, ${inFlight} in flight ${ratioText(ratioInFlightToBare)};` + ` HTTP ÷ service layer (sequential) ${ratioText(ratioToService)}`,
    );
    console.log(`  checked: ${completed} instances completed and saved`);
    return { process: processKey, figures, ratioToBare, ratioToService, ratioInFlightToBare, instancesCompleted: completed };
  } finally {
    await http.close();
    await bench.close();
  }
}

await runAsMain(import.meta.url, 'http-throughput', 'result', () => runHttp());
