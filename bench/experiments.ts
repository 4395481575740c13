/**
 * What the design decisions of issue 20 are worth, measured against each other in one process:
 * the sequential service-layer loop with resident engines (as shipped), with residency off
 * (`BATON_RESIDENT_ENGINES=0`: every step recovers the stored state into a new Engine), and on
 * SQLite `:memory:` (how much of a step is file I/O; what Baton would reach with none, the ceiling
 * the per-core target is read against). Interleaved with the bare engine, median of 5. The last
 * step of `npm run bench`.
 *
 *   taskset -c 0 node --import tsx bench/experiments.ts
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

import { bareCycle, contextOf, parseAll, roundTripCycle } from './bare-engine.js';
import { busyCores, envCount, findFigure, fmt, interleaved, runAsMain, printFigures, readTicks, SIMPLE_KEY, startBenchBaton, timeCycles, type Figure } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

export async function runExperiments(options: { count?: number } = {}): Promise<Figure[]> {
  const count = options.count ?? envCount('EXPERIMENT_COUNT', 300);
  const sourceContext = contextOf(await parseAll(), SIMPLE_KEY);
  const onFile = await startBenchBaton();
  const recovering = await startBenchBaton({ residentEngines: { maxEngines: 0, maxBytes: 0 } });
  const inMemory = await startBenchBaton({ file: ':memory:' });
  try {
    const bare = bareCycle({ sourceContext });
    const roundTrip = roundTripCycle(sourceContext);
    const service = serviceCycle(onFile.baton, SIMPLE_KEY);
    const recoveringService = serviceCycle(recovering.baton, SIMPLE_KEY);
    const memoryService = serviceCycle(inMemory.baton, SIMPLE_KEY);
    await timeCycles(200, 1, bare);
    await timeCycles(100, 1, roundTrip);
    await timeCycles(200, 1, service);
    await timeCycles(200, 1, recoveringService);
    await timeCycles(200, 1, memoryService);
    console.log(`experiments — sequential, ${count} instances per run, median of 5`);
    const ticks = readTicks();
    const cpu = process.cpuUsage();
    const began = performance.now();
    const figures = await interleaved(5, [
      { name: 'bare engine (sourceContext)', run: () => timeCycles(count, 1, bare) },
      { name: 'bare engine + getState/recover round trip', run: () => timeCycles(count, 1, roundTrip) },
      { name: 'Baton service layer (as is)', run: () => timeCycles(count, 1, service) },
      { name: 'Baton, residency off (recover every step)', run: () => timeCycles(count, 1, recoveringService) },
      { name: 'Baton on SQLite :memory:', run: () => timeCycles(count, 1, memoryService) },
    ]);
    const busy = busyCores(ticks, readTicks(), cpus().length);
    const used = process.cpuUsage(cpu);
    const own = (used.user + used.system) / 1000 / (performance.now() - began);
    if (busy) console.log(`  (other processes and steal kept ~${fmt(Math.max(0, busy.machine - own) + busy.steal, 2)} cores busy meanwhile)`);
    const baseline = findFigure(figures, 'bare engine (sourceContext)');
    printFigures(figures, baseline);
    const asIs = findFigure(figures, 'Baton service layer (as is)');
    for (const figure of figures.filter((f) => f.name.startsWith('Baton,') || f.name.includes(':memory:'))) {
      const saved = 1e6 / asIs.perSec - 1e6 / figure.perSec;
      console.log(`  ${figure.name}: ${fmt((100 * figure.perSec) / asIs.perSec - 100, 1)} % throughput vs as is, ${fmt(saved)} µs less per instance`);
    }
    return figures;
  } finally {
    await inMemory.close();
    await recovering.close();
    await onFile.close();
  }
}

await runAsMain(import.meta.url, 'experiments', 'figures', () => runExperiments());
