/**
 * What-if measurements behind the suggestions in docs/benchmarks.md. Each variant patches Baton
 * *in this process only* (nothing under server/ changes) and runs the sequential service-layer
 * loop; variants are interleaved with the unpatched baseline, median of 5. Not part of
 * `npm run bench`.
 *
 *   taskset -c 0 node --import tsx bench/experiments.ts
 *
 * - no engine.stop: StepRun.suspend only marks the timers as suspending and lets the engine go to
 *   the garbage collector instead of stopping it (StepTimers arms no Node timer, and the step has
 *   settled, so nothing can run on the dropped engine);
 * - no structuredClone: StepRun.resume recovers from the state object as loaded (the store parses
 *   a fresh object from JSON on every load, so nobody else holds it);
 * - SQLite in memory: the same Baton on ':memory:' — how much of a step is file I/O (not a
 *   suggestion; it shows what the WAL file costs).
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

import { StepRun } from '../server/engine/step-run.js';
import { bareCycle, contextOf, parseAll, roundTripCycle } from './bare-engine.js';
import { busyCores, envCount, findFigure, fmt, interleaved, runAsMain, printFigures, readTicks, SIMPLE_KEY, startBenchBaton, timeCycles, type Figure, type Timing } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

type Patch = () => () => void;

const noStop: Patch = () => {
  const original = StepRun.prototype.suspend;
  StepRun.prototype.suspend = function suspendWithoutStop(this: StepRun): void {
    this.timers.suspending = true;
  };
  return () => {
    StepRun.prototype.suspend = original;
  };
};

const noClone: Patch = () => {
  const original = globalThis.structuredClone;
  // StepRun.resume is the only caller of structuredClone in this process (checked with grep over
  // server/ and the engine packages); identity stands in for "recover from the loaded object".
  globalThis.structuredClone = (<T>(value: T): T => value) as typeof structuredClone;
  return () => {
    globalThis.structuredClone = original;
  };
};

async function patched(patches: Patch[], run: () => Promise<Timing>): Promise<Timing> {
  const restores = patches.map((patch) => patch());
  try {
    return await run();
  } finally {
    for (const restore of restores.reverse()) restore();
  }
}

export async function runExperiments(options: { count?: number } = {}): Promise<Figure[]> {
  const count = options.count ?? envCount('EXPERIMENT_COUNT', 300);
  const sourceContext = contextOf(await parseAll(), SIMPLE_KEY);
  const onFile = await startBenchBaton();
  const inMemory = await startBenchBaton({ file: ':memory:' });
  try {
    const bare = bareCycle({ sourceContext });
    const roundTrip = roundTripCycle(sourceContext);
    const service = serviceCycle(onFile.baton, SIMPLE_KEY);
    const memoryService = serviceCycle(inMemory.baton, SIMPLE_KEY);
    await timeCycles(200, 1, bare);
    await timeCycles(100, 1, roundTrip);
    await timeCycles(200, 1, service);
    await timeCycles(200, 1, memoryService);
    console.log(`experiments — sequential, ${count} instances per run, median of 5 (patched in this process only)`);
    const ticks = readTicks();
    const cpu = process.cpuUsage();
    const began = performance.now();
    const figures = await interleaved(5, [
      { name: 'bare engine (sourceContext)', run: () => timeCycles(count, 1, bare) },
      { name: 'bare engine + getState/recover round trip', run: () => timeCycles(count, 1, roundTrip) },
      { name: 'Baton service layer (as is)', run: () => timeCycles(count, 1, service) },
      { name: 'Baton, no engine.stop after the snapshot', run: () => patched([noStop], () => timeCycles(count, 1, service)) },
      { name: 'Baton, no structuredClone before recover', run: () => patched([noClone], () => timeCycles(count, 1, service)) },
      { name: 'Baton, both', run: () => patched([noStop, noClone], () => timeCycles(count, 1, service)) },
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
    await onFile.close();
  }
}

await runAsMain(import.meta.url, 'experiments', 'figures', () => runExperiments());
