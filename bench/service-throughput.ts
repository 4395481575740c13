/**
 * start → user task → complete → end through Baton's service layer (what the HTTP routes call):
 * `baton.instances.start(...)` then `baton.tasks.complete(...)`, every step committed to SQLite
 * (WAL, synchronous=NORMAL, as in production). Bare bpmn-engine is measured in the same process,
 * interleaved, as the baseline.
 *
 *   node --import tsx bench/service-throughput.ts
 */
import type Database from 'better-sqlite3';

import type { Baton } from '../server/baton.js';
import { bareCycle, contextOf, parseAll, roundTripCycle } from './bare-engine.js';
import { envCount, findFigure, fmt, interleaved, isMain, PROCESSES, printFigures, ratioText, SIMPLE_KEY, startBenchBaton, timeCycles, writeResult, type Cycle, type Figure } from './fixtures.js';

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
export function statusCounts(db: Database.Database): Record<string, number> {
  const rows = db.prepare('SELECT status, count(*) AS n FROM instances GROUP BY status').all() as { status: string; n: number }[];
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
  const count = options.count ?? envCount('SERVICE_COUNT', 300);
  const inFlight = options.inFlight ?? 50;
  const rounds = options.rounds ?? 3;
  const wanted = options.processes ?? PROCESSES.map((p) => p.key);
  const contexts = await parseAll();
  const bench = await startBenchBaton();
  const results: ServiceResult[] = [];
  try {
    for (const definition of PROCESSES.filter((p) => wanted.includes(p.key))) {
      const sourceContext = contextOf(contexts, definition.key);
      const bare = bareCycle({ sourceContext });
      const plain = bareCycle({ source: definition.xml });
      const roundTrip = roundTripCycle(sourceContext);
      const service = serviceCycle(bench.baton, definition.key);
      const before = statusCounts(bench.store.db)['completed'] ?? 0;
      // The simple process gets every flavour of the baseline; the 11-node one (about half as
      // fast) the two that matter, with half the count, to keep the whole run short.
      const full = definition.key === SIMPLE_KEY;
      const n = full ? count : Math.ceil(count / 2);
      await timeCycles(200, 1, bare);
      if (full) await timeCycles(30, 1, plain);
      if (full) await timeCycles(100, 1, roundTrip);
      await timeCycles(200, 1, service);
      console.log(`service layer + SQLite vs bare bpmn-engine — ${definition.label}; ${n} instances per run, median of ${rounds}`);
      const measurements = [
        { name: 'bare engine (sourceContext), sequential', run: () => timeCycles(n, 1, bare) },
        { name: 'Baton service layer, sequential', run: () => timeCycles(n, 1, service) },
        { name: `bare engine (sourceContext), ${inFlight} in flight`, run: () => timeCycles(n, inFlight, bare) },
        { name: `Baton service layer, ${inFlight} in flight`, run: () => timeCycles(n, inFlight, service) },
      ];
      if (full) {
        measurements.push(
          { name: 'bare engine (plain source), sequential', run: () => timeCycles(Math.ceil(n / 2), 1, plain) },
          { name: 'bare engine + getState/recover round trip, sequential', run: () => timeCycles(Math.ceil(n / 2), 1, roundTrip) },
        );
      }
      const figures = await interleaved(rounds, measurements);
      const bareSeq = findFigure(figures, 'bare engine (sourceContext), sequential');
      printFigures(figures, bareSeq);
      const ratioSequential = findFigure(figures, 'Baton service layer, sequential').perSec / bareSeq.perSec;
      const ratioInFlight = findFigure(figures, `Baton service layer, ${inFlight} in flight`).perSec / findFigure(figures, `bare engine (sourceContext), ${inFlight} in flight`).perSec;
      const completed = (statusCounts(bench.store.db)['completed'] ?? 0) - before;
      const expected = 200 + rounds * n * 2;
      if (completed !== expected) throw new Error(`expected ${expected} completed instances of ${definition.key}, the database has ${completed}`);
      console.log(
        `  ratio Baton ÷ bare: sequential ${ratioText(ratioSequential)}, ${inFlight} in flight ${ratioText(ratioInFlight)}` +
          `  (target ≥ 0.60, aim 0.80)${definition.key === SIMPLE_KEY ? '' : '  [informational for this process]'}`,
      );
      const audit = bench.store.db
        .prepare(`SELECT count(*) * 1.0 / count(DISTINCT a.instance_id) AS perInstance FROM audit_events a JOIN instances i ON i.id = a.instance_id WHERE i.process_key = ?`)
        .get(definition.key) as { perInstance: number };
      console.log(`  checked: ${completed} instances completed and saved (${fmt(audit.perInstance)} audit events each)`);
      results.push({ process: definition.key, figures, ratioSequential, ratioInFlight, instancesCompleted: completed });
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
