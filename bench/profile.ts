/**
 * Where the time of a persisted instance goes: CPU-profiles the sequential service-layer loop
 * (after a warm-up, so start-up and JIT are not in it) with the inspector, then prints
 * - inclusive time of the steps Baton takes (recover, getState, SQLite commit, audit hashing, ...),
 * - self time grouped by package / Baton file,
 * - the top functions by self time.
 *
 *   node --import tsx bench/profile.ts            # 1,000 instances of the simple process
 *   BENCH_PROFILE_COUNT=500 BENCH_PROFILE_PROCESS=benchEleven node --import tsx bench/profile.ts
 *   BENCH_PROFILE_OUT=/tmp/baton.cpuprofile ...   # also save the profile (open it in Chrome DevTools)
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';

import { envCount, fmt, isMain, SIMPLE_KEY, startBenchBaton, timeCycles, writeResult } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result as T)));
  });
}

function groupOf(frame: Profiler.CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/work\/main\/(.+)$/.exec(url) ?? /\/(server\/.+|bench\/.+)$/.exec(url);
  if (own?.[1]) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

export interface ProfileReport {
  process: string;
  count: number;
  perSec: number;
  totalMs: number;
  probes: { label: string; ms: number; percent: number; usPerInstance: number }[];
  groups: { group: string; ms: number; percent: number }[];
  functions: { name: string; ms: number; percent: number }[];
}

export function analyse(profile: Profiler.Profile, count: number): Omit<ProfileReport, 'process' | 'perSec' | 'count'> & { count: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    // timeDeltas[i] is the time before sample i; the next delta is how long sample i lasted.
    const duration = deltas[i + 1] ?? 0;
    if (id !== undefined) selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
  }
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (frame?.functionName !== '(idle)') totalUs += us;
  }
  const groupUs = new Map<string, number>();
  const functionUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = nodes.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const frame = node.callFrame;
    const group = groupOf(frame);
    groupUs.set(group, (groupUs.get(group) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'}  ${group}:${frame.lineNumber + 1}`;
    functionUs.set(fn, (functionUs.get(fn) ?? 0) + us);
  }
  const percent = (us: number) => (100 * us) / totalUs;
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    count,
    totalMs: totalUs / 1000,
    groups: top(groupUs, 15).map(([group, us]) => ({ group, ms: us / 1000, percent: percent(us) })),
    functions: top(functionUs, 20).map(([name, us]) => ({ name, ms: us / 1000, percent: percent(us) })),
  };
}

export function printReport(report: ProfileReport): void {
  console.log(`CPU profile of ${report.count} sequential instances of ${report.process} through the service layer (${fmt(report.perSec)}/s while profiled; ${fmt(report.totalMs)} ms of CPU samples)`);
  console.log('  inclusive time of Baton\'s steps (a sample counts for every step on its stack):');
  for (const probe of report.probes) console.log(`    ${probe.label.padEnd(62)} ${fmt(probe.percent, 1).padStart(5)} %  ${fmt(probe.usPerInstance).padStart(5)} µs/instance`);
  console.log('  self time by package / file:');
  for (const group of report.groups) console.log(`    ${group.group.padEnd(62)} ${fmt(group.percent, 1).padStart(5)} %`);
  console.log('  top functions by self time:');
  for (const fn of report.functions) console.log(`    ${fn.name.slice(0, 90).padEnd(90)} ${fmt(fn.percent, 1).padStart(5)} %`);
}

export async function runProfile(options: { count?: number; processKey?: string } = {}): Promise<ProfileReport> {
  const count = options.count ?? envCount('PROFILE_COUNT', 1000);
  const processKey = options.processKey ?? process.env['BENCH_PROFILE_PROCESS'] ?? SIMPLE_KEY;
  const bench = await startBenchBaton();
  try {
    const cycle = serviceCycle(bench.baton, processKey);
    await timeCycles(300, 1, cycle);
    const session = new Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
    await post(session, 'Profiler.start');
    const timing = await timeCycles(count, 1, cycle);
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    session.disconnect();
    const out = process.env['BENCH_PROFILE_OUT'];
    if (out) writeFileSync(out, JSON.stringify(profile));
    const report: ProfileReport = { ...analyse(profile, count), process: processKey, perSec: timing.perSec };
    printReport(report);
    return report;
  } finally {
    await bench.close();
  }
}

if (isMain(import.meta.url)) {
  const report = await runProfile();
  writeResult({ bench: 'profile', report });
}
