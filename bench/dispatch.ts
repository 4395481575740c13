/**
 * Dispatch at scale: 1,000 visit requests over 200 technicians (skills, homes around Berlin, vans
 * with parts, a few warehouses), on a real SQLite store. Prints the decision time per request
 * (p50, p99, max) of FieldService.plan — reading the technicians, their load and stock, scoring —
 * and, as the baseline measured in the same run, the pure scoring (scoreCandidates) of the same
 * candidates, so the ratio says how much of a decision is reading.
 *
 *   node --import tsx bench/dispatch.ts          (BENCH_REQUESTS, BENCH_TECHNICIANS to change)
 */
import { performance } from 'node:perf_hooks';

import { scoreCandidates, type DispatchCandidate } from '../server/field/dispatch-scoring.js';
import { vanLocation } from '../server/field/field.js';
import { envCount, fmt, runAsMain, startBenchBaton } from './fixtures.js';

const SKILLS = ['heating', 'plumbing', 'electrical', 'cooling', 'pump'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** A small deterministic generator, so every run dispatches the same requests. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

export interface DispatchBenchResult {
  requests: number;
  technicians: number;
  planMs: { p50: number; p99: number; max: number };
  scoreOnlyMs: { p50: number; p99: number };
  ratio: number;
  chosen: number;
}

export async function dispatchBench(): Promise<DispatchBenchResult> {
  const requests = envCount('REQUESTS', 1000);
  const technicians = envCount('TECHNICIANS', 200);
  const next = random(42);
  const bench = await startBenchBaton();
  try {
    const { baton } = bench;
    const field = baton.field;
    for (let i = 0; i < 20; i++) await field.putPart({ sku: `P-${i}`, name: `Part ${i}`, price: 10 + i });
    for (let i = 0; i < 3; i++) await field.putWarehouse({ id: `wh-${i}`, name: `Warehouse ${i}`, address: `Depot ${i}`, lat: 52.4 + i * 0.05, lon: 13.3 + i * 0.05 });
    const pool: DispatchCandidate[] = [];
    for (let i = 0; i < technicians; i++) {
      const username = `tech-${String(i).padStart(3, '0')}`;
      const skills = [SKILLS[i % SKILLS.length]!, SKILLS[(i * 7) % SKILLS.length]!];
      await baton.users.create({ username, password: 'bench-password-1', role: 'staff', departments: ['technicians'], skills });
      const home = { address: `Street ${i}`, lat: 52.35 + next() * 0.35, lon: 13.1 + next() * 0.6 };
      await field.setProfile(username, { home, maxJobsPerDay: 6 });
      for (let p = 0; p < 3; p++) await field.setStock(vanLocation(username), `P-${Math.floor(next() * 20)}`, 1 + Math.floor(next() * 3));
      pool.push({ username, name: username, disabled: false, skills, location: home, jobsToday: Math.floor(next() * 6), maxJobsPerDay: 6, van: {} });
    }
    for (let i = 0; i < 20; i++) for (let w = 0; w < 3; w++) await field.setStock(`wh-${w}`, `P-${i}`, 50);
    const assets = [];
    for (let i = 0; i < requests; i++) {
      const asset = { id: `A-${i}`, type: SKILLS[i % SKILLS.length]!, customerEmail: null, address: `Site ${i}`, lat: 52.35 + next() * 0.35, lon: 13.1 + next() * 0.6, requiredSkills: [] };
      await field.putAsset(asset);
      assets.push(asset);
    }

    const planTimes: number[] = [];
    const scoreTimes: number[] = [];
    let chosen = 0;
    for (let i = 0; i < requests; i++) {
      const asset = assets[i]!;
      const parts = [{ sku: `P-${i % 20}`, quantity: 1 }];
      const started = performance.now();
      const plan = await field.plan({ assetId: asset.id, parts });
      planTimes.push(performance.now() - started);
      if (plan.chosen) chosen++;
      const scoring = performance.now();
      scoreCandidates({ requiredSkills: [asset.type], location: asset, parts, warehouses: {}, excluded: [] }, pool);
      scoreTimes.push(performance.now() - scoring);
    }
    planTimes.sort((a, b) => a - b);
    scoreTimes.sort((a, b) => a - b);
    const result: DispatchBenchResult = {
      requests,
      technicians,
      planMs: { p50: percentile(planTimes, 50), p99: percentile(planTimes, 99), max: planTimes.at(-1) ?? 0 },
      scoreOnlyMs: { p50: percentile(scoreTimes, 50), p99: percentile(scoreTimes, 99) },
      ratio: percentile(planTimes, 50) / Math.max(1e-6, percentile(scoreTimes, 50)),
      chosen,
    };
    console.log(`dispatch: ${requests} requests over ${technicians} technicians, ${chosen} dispatched`);
    console.log(`  decision (read + score): p50 ${fmt(result.planMs.p50, 2)} ms, p99 ${fmt(result.planMs.p99, 2)} ms, max ${fmt(result.planMs.max, 2)} ms`);
    console.log(`  baseline, scoring only: p50 ${fmt(result.scoreOnlyMs.p50, 3)} ms, p99 ${fmt(result.scoreOnlyMs.p99, 3)} ms`);
    console.log(`  ratio decision ÷ scoring (p50): ${fmt(result.ratio, 1)}×`);
    return result;
  } finally {
    await bench.close();
  }
}

await runAsMain(import.meta.url, 'dispatch', 'dispatch', dispatchBench);
