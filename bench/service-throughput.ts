/**
 * start → user task → complete → end through Baton's service layer (what the HTTP routes call):
 * `baton.instances.start(...)` then `baton.tasks.complete(...)`, every step committed to SQLite
 * (WAL, synchronous=NORMAL, as in production). Bare bpmn-engine is measured in the same process,
 * interleaved, as the baseline.
 *
 *   node --import tsx bench/service-throughput.ts
 */
import type { Baton } from '../server/baton.js';
import { bareCycle, contextOf, parseAll, roundTripCycle } from './bare-engine.js';
import {
  envCount,
  findFigure,
  fmt,
  interleaved,
  isMain,
  PROCESSES,
  printFigures,
  SIMPLE_KEY,
  startBenchBaton,
  timeCycles,
  writeResult,
  type BenchBaton,
  type Cycle,
  type Figure,
} from './fixtures.js';

/** One instance through the service layer: start, complete its task; checks it really ended. */
export function serviceCycle(baton: Baton, processKey: string): Cycle {
  return async () => {
    const started = await baton.instances.start({ processKey, variables: { approved: true }, businessKey: null }, 'bench');
    const task = started.opened[0];
    if (!task) throw new Error(`instance ${started.instance.id} opened no task`);
    const closed = await baton.tasks.complete(task.id, { approved: true }, 'bench');
    if (closed.status !== 'completed') throw new Error(`task ${task.id} is ${closed.status} after completion`);
  };
}

/** Counts instances by status straight from the database: every timed instance must have completed. */
export function statusCounts(bench: BenchBaton): Record<string, number> {
  const rows = bench.store.db.prepare('SELECT status, count(*) AS n FROM instances GROUP BY status').all() as { status: string; n: number }[];
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

export interface ServiceResult {
  process: string;
  figures: Figure[];
  /** Service-layer sequential ÷ bare sourceContext sequential. */
  ratioSequential: number;
  /** Service-layer N in flight ÷ bare sourceContext N in flight. */
  ratioInFlight: number;
  instancesCompleted: number;
}

export async function runService(options: { count?: number; inFlight?: number; rounds?: number; processes?: string[] } = {}): Promise<ServiceResult[]> {
  const count = options.count ?? envCount('SERVICE_COUNT', 400);
  const inFlight = options.inFlight ?? 50;
  const rounds = options.rounds ?? 3;
  const wanted = options.processes ?? PROCESSES.map((p) => p.key);
  const contexts = await parseAll();
  const bench = await startBenchBaton();
  const results: ServiceResult[] = [];
  try {
    for (const process of PROCESSES.filter((p) => wanted.includes(p.key))) {
      const sourceContext = contextOf(contexts, process.key);
      const bare = bareCycle({ sourceContext });
      const plain = bareCycle({ source: process.xml });
      const roundTrip = roundTripCycle(sourceContext);
      const service = serviceCycle(bench.baton, process.key);
      const before = statusCounts(bench)['completed'] ?? 0;
      await timeCycles(200, 1, bare);
      await timeCycles(30, 1, plain);
      await timeCycles(100, 1, roundTrip);
      await timeCycles(200, 1, service);
      console.log(`service layer + SQLite vs bare bpmn-engine — ${process.label}; ${count} instances per run, median of ${rounds}`);
      const figures = await interleaved(rounds, [
        { name: 'bare engine (sourceContext), sequential', run: () => timeCycles(count, 1, bare) },
        { name: 'Baton service layer, sequential', run: () => timeCycles(count, 1, service) },
        { name: `bare engine (sourceContext), ${inFlight} in flight`, run: () => timeCycles(count, inFlight, bare) },
        { name: `Baton service layer, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, service) },
        { name: 'bare engine (plain source), sequential', run: () => timeCycles(Math.ceil(count / 2), 1, plain) },
        { name: 'bare engine + getState/recover round trip, sequential', run: () => timeCycles(Math.ceil(count / 2), 1, roundTrip) },
      ]);
      const bareSeq = findFigure(figures, 'bare engine (sourceContext), sequential');
      printFigures(figures, bareSeq);
      const ratioSequential = findFigure(figures, 'Baton service layer, sequential').perSec / bareSeq.perSec;
      const ratioInFlight = findFigure(figures, `Baton service layer, ${inFlight} in flight`).perSec / findFigure(figures, `bare engine (sourceContext), ${inFlight} in flight`).perSec;
      const completed = (statusCounts(bench)['completed'] ?? 0) - before;
      const expected = 200 + rounds * count * 2;
      if (completed !== expected) throw new Error(`expected ${expected} completed instances of ${process.key}, the database has ${completed}`);
      console.log(
        `  ratio Baton ÷ bare: sequential ${fmt(ratioSequential, 2)}, ${inFlight} in flight ${fmt(ratioInFlight, 2)}` +
          `  (target ≥ 0.60, aim 0.80)${process.key === SIMPLE_KEY ? '' : '  [informational for this process]'}`,
      );
      console.log(`  checked: ${completed} instances completed and saved`);
      results.push({ process: process.key, figures, ratioSequential, ratioInFlight, instancesCompleted: completed });
    }
  } finally {
    await bench.close();
  }
  return results;
}

if (isMain(import.meta.url)) {
  const results = await runService();
  writeResult({ bench: 'service-throughput', results });
}
