/**
 * Memory per waiting instance: starts 10,000 instances that stop at their user task and measures
 * heapUsed and RSS after full garbage collections, at idle and every 2,500 instances. Baton keeps
 * no engine in memory between steps (state lives in SQLite), so the figure must stay flat.
 * Target: 10,000 waiting instances cost less than 100 MB above idle.
 *
 * For contrast, 1,000 bare bpmn-engine instances held waiting in memory are measured afterwards
 * (what keeping engines resident would cost).
 *
 *   node --expose-gc --import tsx bench/memory.ts
 */
import { EventEmitter, once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { Engine } from 'bpmn-engine';

import { moddleOptions } from '../server/engine/bpmn-source.js';
import { contextOf, parseAll } from './bare-engine.js';
import { envCount, fmt, isMain, signed, SIMPLE_KEY, startBenchBaton, timeCycles, writeResult } from './fixtures.js';
import { serviceCycle, statusCounts } from './service-throughput.js';

const MB = 1024 * 1024;

/** global.gc with --expose-gc; otherwise the flag is switched on at run time (a known V8 escape hatch). */
function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const gc = gcFunction();

export interface MemorySample {
  instances: number;
  heapUsedMB: number;
  rssMB: number;
  externalMB: number;
}

async function sample(instances: number): Promise<MemorySample> {
  // Several passes with turns in between: weak callbacks and finalizers run between them.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return { instances, heapUsedMB: usage.heapUsed / MB, rssMB: usage.rss / MB, externalMB: usage.external / MB };
}

export interface MemoryResult {
  waiting: number;
  idle: MemorySample;
  samples: MemorySample[];
  heapAboveIdleMB: number;
  rssAboveIdleMB: number;
  heapPerThousandMB: number;
  rssPerThousandMB: number;
  targetMB: number;
  met: boolean;
  bare: { instances: number; heapAboveMB: number; heapPerThousandMB: number; rssAboveMB: number };
  startRate: number;
}

export async function runMemory(options: { waiting?: number; bareInstances?: number } = {}): Promise<MemoryResult> {
  const waiting = options.waiting ?? envCount('MEMORY_INSTANCES', 10_000);
  const bareInstances = options.bareInstances ?? 1000;
  const bench = await startBenchBaton();
  try {
    const { baton } = bench;
    // Warm: code loaded and JIT-compiled, caches (definition, parsed source, statements) filled.
    await timeCycles(300, 1, serviceCycle(baton, SIMPLE_KEY));
    const idle = await sample(0);
    console.log(`memory — ${fmt(waiting)} instances waiting at their user task (start only, 20 in flight), after full GCs`);
    console.log(`  idle (Baton warmed up)          heapUsed ${fmt(idle.heapUsedMB, 1).padStart(6)} MB   RSS ${fmt(idle.rssMB, 1).padStart(6)} MB`);

    const samples: MemorySample[] = [];
    const step = Math.max(1, Math.floor(waiting / 4));
    let started = 0;
    let startMs = 0;
    const start = async () => {
      const result = await baton.instances.start({ processKey: SIMPLE_KEY, variables: { approved: true }, businessKey: null }, 'bench');
      if (result.opened.length !== 1) throw new Error(`instance ${result.instance.id} opened ${result.opened.length} tasks`);
    };
    while (started < waiting) {
      const batch = Math.min(step, waiting - started);
      const timing = await timeCycles(batch, 20, start);
      startMs += timing.ms;
      started += batch;
      const at = await sample(started);
      samples.push(at);
      console.log(
        `  ${fmt(started).padStart(6)} waiting               heapUsed ${fmt(at.heapUsedMB, 1).padStart(6)} MB (${signed(at.heapUsedMB - idle.heapUsedMB)})   RSS ${fmt(at.rssMB, 1).padStart(6)} MB (${signed(at.rssMB - idle.rssMB)})`,
      );
    }
    const counts = statusCounts(bench.store.db);
    const openTasks = (bench.store.db.prepare(`SELECT count(*) AS n FROM tasks WHERE status = 'open'`).get() as { n: number }).n;
    if ((counts['running'] ?? 0) !== waiting || openTasks !== waiting) {
      throw new Error(`expected ${waiting} running instances with an open task, found ${counts['running'] ?? 0} and ${openTasks}`);
    }
    const last = samples.at(-1) ?? idle;
    const heapAboveIdleMB = last.heapUsedMB - idle.heapUsedMB;
    const rssAboveIdleMB = last.rssMB - idle.rssMB;
    const targetMB = 100;
    const met = rssAboveIdleMB < targetMB && heapAboveIdleMB < targetMB;
    console.log(
      `  per 1,000 waiting: heap ${fmt((heapAboveIdleMB * 1000) / waiting, 2)} MB, RSS ${fmt((rssAboveIdleMB * 1000) / waiting, 2)} MB;` +
        ` total above idle: heap ${fmt(heapAboveIdleMB, 1)} MB, RSS ${fmt(rssAboveIdleMB, 1)} MB (target < ${targetMB} MB: ${met ? 'met' : 'NOT met'})`,
    );
    console.log(`  checked: ${waiting} instances running, each with one open task, in the database (starts ran at ${fmt((waiting * 1000) / startMs)}/s)`);

    // Contrast: bare engines kept waiting in memory.
    const sourceContext = contextOf(await parseAll(), SIMPLE_KEY);
    const before = await sample(0);
    const engines: Engine[] = [];
    for (let i = 0; i < bareInstances; i++) {
      const engine = new Engine({ name: `resident-${i}`, sourceContext, moddleOptions });
      const listener = new EventEmitter();
      const waited = once(listener, 'wait');
      await engine.execute({ listener, variables: { approved: true } });
      await waited;
      engines.push(engine);
    }
    const after = await sample(bareInstances);
    const bareHeap = after.heapUsedMB - before.heapUsedMB;
    const bareRss = after.rssMB - before.rssMB;
    console.log(
      `  contrast: ${fmt(bareInstances)} bare engines held waiting in memory: heap ${signed(bareHeap)} MB (${fmt((bareHeap * 1000) / bareInstances, 1)} MB per 1,000), RSS ${signed(bareRss)} MB` +
        ` — ${fmt(waiting)} would be ~${fmt((bareHeap * waiting) / bareInstances)} MB`,
    );
    for (const engine of engines) await engine.stop();
    engines.length = 0;

    return {
      waiting,
      idle,
      samples,
      heapAboveIdleMB,
      rssAboveIdleMB,
      heapPerThousandMB: (heapAboveIdleMB * 1000) / waiting,
      rssPerThousandMB: (rssAboveIdleMB * 1000) / waiting,
      targetMB,
      met,
      bare: { instances: bareInstances, heapAboveMB: bareHeap, heapPerThousandMB: (bareHeap * 1000) / bareInstances, rssAboveMB: bareRss },
      startRate: (waiting * 1000) / startMs,
    };
  } finally {
    await bench.close();
  }
}

if (isMain(import.meta.url)) {
  const result = await runMemory();
  writeResult({ bench: 'memory', result });
}
