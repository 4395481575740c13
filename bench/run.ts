/**
 * Runs every benchmark, each in its own Node process (fresh heap and JIT, no interference), and
 * prints a summary table with the ratios to the baselines measured in the same runs.
 *
 *   npm run bench                      # about 6-7 minutes on 2 cores
 *   BENCH_OUT=results.json npm run bench   # also keep the raw figures
 *
 * "One core" means one core: with taskset available the throughput benchmarks (Baton and the
 * bare engine they compare with) run pinned to CPU 0, all threads included — otherwise V8's
 * background GC threads quietly use the second core. two-cores.ts pins its own two processes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import type { AuditOverheadResult, AuditTrailResult, CheckpointScaleResult } from './audit.js';
import type { HttpResult } from './http-throughput.js';
import type { MemoryResult } from './memory.js';
import type { ProfileReport } from './profile.js';
import type { ServiceResult } from './service-throughput.js';
import type { TwoCoresResult } from './two-cores.js';
import { busyCores, ELEVEN_KEY, findFigure, fmt, hasTaskset, ratioText, readTicks, signed, SIMPLE_KEY, type Figure } from './fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Step {
  script: string;
  pin: boolean;
}

const STEPS: readonly Step[] = [
  { script: 'service-throughput.ts', pin: true },
  { script: 'http-throughput.ts', pin: true },
  { script: 'two-cores.ts', pin: false },
  { script: 'memory.ts', pin: false },
  { script: 'profile.ts', pin: true },
  { script: 'audit.ts', pin: true },
  { script: 'experiments.ts', pin: true },
];

/** Cores other processes kept busy during each step (machine-wide CPU minus the benchmark's own). */
const noise = new Map<string, number>();

/** Runs one benchmark in a child process; returns what it wrote to BENCH_RESULT. */
async function runStep(step: Step, pinned: boolean, dir: string): Promise<unknown> {
  const before = readTicks();
  const resultFile = path.join(dir, step.script.replace(/\.ts$/, '.json'));
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', path.join(here, step.script)];
  const [command, ...args] = step.pin && pinned ? ['taskset', '-c', '0', ...node] : node;
  const began = performance.now();
  console.log(`\n=== ${step.script}${step.pin && pinned ? ' (pinned to CPU 0)' : ''}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command ?? process.execPath, args, {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULT: resultFile, BENCH_PROFILE_COUNT: process.env['BENCH_PROFILE_COUNT'] ?? '600' },
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`${step.script} failed with exit code ${code}`);
  const busy = busyCores(before, readTicks(), cpus().length);
  const others = busy ? Math.max(0, busy.machine - busy.children) + busy.steal : null;
  if (others !== null) noise.set(step.script, others);
  console.log(`    (${fmt((performance.now() - began) / 1000, 1)} s${others === null ? '' : `; other processes and steal kept ${fmt(others, 2)} cores busy on average`})`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as unknown;
}

function machine(): Record<string, string> {
  const cpu = cpus();
  return {
    cores: String(cpu.length),
    cpu: cpu[0]?.model ?? 'unknown',
    memory: `${fmt(totalmem() / 2 ** 30, 1)} GiB (${fmt(freemem() / 2 ** 30, 1)} GiB free)`,
    node: process.version,
    date: new Date().toISOString(),
    load: loadavg()
      .map((l) => fmt(l, 2))
      .join(' '),
  };
}

interface Row {
  measure: string;
  figure: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

function verdict(value: number, target: number): string {
  return value >= target ? 'yes' : 'no';
}

function rows(results: {
  service: ServiceResult[];
  http: HttpResult;
  twoCores: TwoCoresResult[];
  memory: MemoryResult;
  audit: { trail: AuditTrailResult; checkpoints: CheckpointScaleResult; overhead: AuditOverheadResult[] };
  experiments: Figure[];
}): Row[] {
  const out: Row[] = [];
  for (const service of results.service) {
    const simple = service.process === SIMPLE_KEY;
    const label = simple ? '3 nodes' : '11 nodes';
    const seq = findFigure(service.figures, 'Baton service layer, sequential');
    const bareSeq = findFigure(service.figures, 'bare engine (sourceContext), sequential');
    const inFlight = service.figures.find((f) => /^Baton service layer, \d+ in flight$/.test(f.name));
    const bareInFlight = service.figures.find((f) => /^bare engine \(sourceContext\), \d+ in flight$/.test(f.name));
    out.push({
      measure: `service layer, ${label}, sequential`,
      figure: `${fmt(seq.perSec)}/s`,
      baseline: `bare ${fmt(bareSeq.perSec)}/s`,
      ratio: ratioText(service.ratioSequential),
      target: simple ? '≥ 0.60 (aim 0.80)' : 'info',
      met: simple ? verdict(service.ratioSequential, 0.6) : '–',
    });
    if (inFlight && bareInFlight) {
      out.push({
        measure: `service layer, ${label}, ${inFlight.name.replace(/\D+/g, '')} in flight`,
        figure: `${fmt(inFlight.perSec)}/s`,
        baseline: `bare ${fmt(bareInFlight.perSec)}/s`,
        ratio: ratioText(service.ratioInFlight),
        target: simple ? '≥ 0.60 (aim 0.80)' : 'info',
        met: simple ? verdict(service.ratioInFlight, 0.6) : '–',
      });
    }
    if (simple) {
      const roundTrip = service.figures.find((f) => f.name.startsWith('bare engine + getState/recover'));
      if (roundTrip) {
        out.push({
          measure: 'bare engine + getState/recover round trip (in memory)',
          figure: `${fmt(roundTrip.perSec)}/s`,
          baseline: `bare ${fmt(bareSeq.perSec)}/s`,
          ratio: ratioText(roundTrip.perSec / bareSeq.perSec),
          target: 'ceiling of evict-and-recover',
          met: '–',
        });
      }
    }
  }
  const http = results.http;
  const httpSeq = findFigure(http.figures, 'Baton over HTTP, sequential');
  const httpBare = findFigure(http.figures, 'bare engine (sourceContext), sequential');
  const httpService = findFigure(http.figures, 'Baton service layer, sequential');
  out.push({
    measure: 'HTTP, 3 nodes, sequential (client in-process)',
    figure: `${fmt(httpSeq.perSec)}/s`,
    baseline: `bare ${fmt(httpBare.perSec)}/s; service ${fmt(httpService.perSec)}/s`,
    ratio: `${ratioText(http.ratioToBare)} / ${ratioText(http.ratioToService)}`,
    target: '≥ 0.60 of bare',
    met: verdict(http.ratioToBare, 0.6),
  });
  const httpInFlight = http.figures.find((f) => /^Baton over HTTP, \d+ in flight$/.test(f.name));
  const bareInFlight = http.figures.find((f) => /^bare engine \(sourceContext\), \d+ in flight$/.test(f.name));
  if (httpInFlight && bareInFlight) {
    out.push({
      measure: `HTTP, 3 nodes, ${httpInFlight.name.replace(/\D+/g, '')} in flight`,
      figure: `${fmt(httpInFlight.perSec)}/s`,
      baseline: `bare ${fmt(bareInFlight.perSec)}/s`,
      ratio: ratioText(http.ratioInFlightToBare),
      target: '≥ 0.60 of bare',
      met: verdict(http.ratioInFlightToBare, 0.6),
    });
  }
  const inFlightCount = httpInFlight?.name.replace(/\D+/g, '') ?? '50';
  for (const [label, ratio] of [
    ['sequential', http.apartToBare],
    [`${inFlightCount} in flight`, http.apartInFlightToBare],
  ] as const) {
    const figure = findFigure(http.figures, `Baton over HTTP, client apart, ${label}`);
    const bare = label === 'sequential' ? httpBare : bareInFlight;
    out.push({
      measure: `HTTP, 3 nodes, ${label} (client in its own process)`,
      figure: `${fmt(figure.perSec)}/s`,
      baseline: bare ? `bare ${fmt(bare.perSec)}/s` : '–',
      ratio: ratioText(ratio),
      target: '≥ 0.60 of bare',
      met: verdict(ratio, 0.6),
    });
  }
  for (const two of results.twoCores) {
    const what = two.mode === 'bare' ? 'bare engine (machine reference)' : two.mode === 'service' ? 'service layer, shared SQLite' : 'HTTP, shared SQLite';
    out.push({
      measure: `two cores vs one: ${what}`,
      figure: `${fmt(two.twoCores.perSec)}/s`,
      baseline: `one core ${fmt(two.oneCore.perSec)}/s; one unpinned node ${fmt(two.oneNode.perSec)}/s`,
      ratio: `${ratioText(two.ratio)}× / ${ratioText(two.ratioToOneNode)}×`,
      target: two.mode === 'bare' ? 'reference' : '≥ 1.70×',
      met: two.mode === 'bare' ? '–' : verdict(two.ratio, 1.7),
    });
  }
  const memory = results.memory;
  out.push({
    measure: `memory: ${fmt(memory.waiting)} waiting instances above idle`,
    figure: `RSS ${signed(memory.rssAboveIdleMB)} MB, heap ${signed(memory.heapAboveIdleMB)} MB`,
    baseline: `idle RSS ${fmt(memory.idle.rssMB)} MB, heap ${fmt(memory.idle.heapUsedMB, 1)} MB`,
    ratio: `${fmt(memory.rssPerThousandMB, 2)} MB RSS / 1,000`,
    target: `< ${memory.targetMB} MB`,
    met: memory.met ? 'yes' : 'no',
  });
  out.push({
    measure: `memory: ${fmt(memory.bare.instances)} bare engines resident (contrast)`,
    figure: `heap ${signed(memory.bare.heapAboveMB, 0)} MB`,
    baseline: '–',
    ratio: `${fmt(memory.bare.heapPerThousandMB)} MB / 1,000`,
    target: '–',
    met: '–',
  });
  const { trail, checkpoints, overhead } = results.audit;
  out.push({
    measure: `audit: verify a ${fmt(trail.events)}-event trail (endpoint)`,
    figure: `${fmt(trail.verifyMs, 1)} ms`,
    baseline: `read ${fmt(trail.readMs, 1)} ms, chain ${fmt(trail.verifyChainMs, 1)} ms`,
    ratio: '–',
    target: '< 200 ms',
    met: trail.verifyMs < 200 ? 'yes' : 'no',
  });
  out.push({ measure: `audit: fold a ${fmt(trail.events)}-event trail`, figure: `${fmt(trail.foldMs, 1)} ms`, baseline: '–', ratio: '–', target: '< 200 ms', met: trail.foldMs < 200 ? 'yes' : 'no' });
  out.push({
    measure: `audit: checkpoint of ${fmt(checkpoints.instances)} heads: seal / idle pass / check`,
    figure: `${fmt(checkpoints.sealMs, 1)} / ${fmt(checkpoints.idleMs, 1)} / ${fmt(checkpoints.checkMs, 1)} ms`,
    baseline: '–',
    ratio: '–',
    target: 'info',
    met: '–',
  });
  for (const row of overhead) {
    out.push({
      measure: `audit overhead, ${row.process === SIMPLE_KEY ? '3 nodes' : '11 nodes'}, sequential (${row.eventsPerInstance} events/instance)`,
      figure: `${fmt(row.withAudit.perSec)}/s`,
      baseline: `without audit rows ${fmt(row.withoutAppend.perSec)}/s; CPU ${fmt(row.cpuUsWith)} vs ${fmt(row.cpuUsWithout - row.chainUs)} µs`,
      ratio: `+${fmt(row.overhead * 100, 1)} % CPU (wall +${fmt(row.wallOverhead * 100, 1)} %)`,
      target: '< 15 %',
      met: row.overhead < 0.15 ? 'yes' : 'no',
    });
  }
  // What the 3-node loop could reach without parts of the design (bench/experiments.ts): the ceiling the targets are read against.
  const experimentBare = findFigure(results.experiments, 'bare engine (sourceContext)');
  for (const [name, measure] of [
    ['Baton, residency off (recover every step)', 'what-if: residency off, 3 nodes, sequential'],
    ['Baton on SQLite :memory:', 'what-if: no file I/O (SQLite :memory:), 3 nodes, sequential'],
  ] as const) {
    const figure = findFigure(results.experiments, name);
    out.push({
      measure,
      figure: `${fmt(figure.perSec)}/s`,
      baseline: `bare ${fmt(experimentBare.perSec)}/s; as shipped ${fmt(findFigure(results.experiments, 'Baton service layer (as is)').perSec)}/s`,
      ratio: ratioText(figure.perSec / experimentBare.perSec),
      target: 'info',
      met: '–',
    });
  }
  return out;
}

function printTable(table: Row[]): void {
  const headers: Row = { measure: 'measure', figure: 'figure', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: 'met' };
  const keys = Object.keys(headers) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(headers[key].length, ...table.map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, i) => row[key].padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
}

const pinned = hasTaskset();
const info = machine();
console.log('Baton benchmarks');
for (const [key, value] of Object.entries(info)) console.log(`  ${key.padEnd(7)} ${value}`);
if (!pinned) console.log('  taskset not found: nothing is pinned, "one core" figures may use the second core for GC');
const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-results-'));
const began = performance.now();
try {
  const outputs = new Map<string, unknown>();
  for (const step of STEPS) outputs.set(step.script, await runStep(step, pinned, dir));
  const service = (outputs.get('service-throughput.ts') as { results: ServiceResult[] }).results;
  const http = (outputs.get('http-throughput.ts') as { result: HttpResult }).result;
  const twoCores = (outputs.get('two-cores.ts') as { results: TwoCoresResult[] }).results;
  const memory = (outputs.get('memory.ts') as { result: MemoryResult }).result;
  const profile = (outputs.get('profile.ts') as { report: ProfileReport }).report;
  const audit = outputs.get('audit.ts') as { trail: AuditTrailResult; checkpoints: CheckpointScaleResult; overhead: AuditOverheadResult[] };
  const experiments = (outputs.get('experiments.ts') as { figures: Figure[] }).figures;

  console.log(
    `\n=== summary (${fmt((performance.now() - began) / 1000)} s; load average at the end ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')})`,
  );
  printTable(rows({ service, http, twoCores, memory, audit, experiments }));
  if (noise.size > 0) {
    console.log(`\nnoise — cores kept busy by other processes (and hypervisor steal) per step, on average: ${[...noise.entries()].map(([script, cores]) => `${script} ${fmt(cores, 2)}`).join(', ')}`);
  }
  const top = profile.breakdown.steps
    .filter((step) => step.depth > 0)
    .sort((a, b) => b.usPerInstance - a.usPerInstance)
    .slice(0, 6);
  console.log(`\nlargest steps per instance (${SIMPLE_KEY}, ${fmt(profile.breakdown.usPerInstance)} µs in all; ${ELEVEN_KEY} not profiled here):`);
  for (const step of top) console.log(`  ${`${step.phase}: ${step.label}`.padEnd(66)} ${fmt(step.usPerInstance).padStart(6)} µs  ${fmt(step.percent, 1)} %`);
  const gc = profile.cpu.groups.find((group) => group.name === '(garbage collector)');
  if (gc) console.log(`  ${'garbage collection, both phases (CPU profile)'.padEnd(66)} ${fmt(gc.usPerInstance).padStart(6)} µs  ${fmt(gc.percent, 1)} %`);

  const out = process.env['BENCH_OUT'];
  if (out) {
    writeFileSync(out, JSON.stringify({ machine: info, pinned, noise: Object.fromEntries(noise), service, http, twoCores, memory, profile, audit, experiments }, null, 2));
    console.log(`\nraw figures written to ${out}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
