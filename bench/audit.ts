/**
 * Audit trail costs:
 *
 * 1. Verify and fold a 10,000-event instance (targets < 200 ms each): a task that loops back to
 *    itself through the service layer until its trail has 10,000 events, sealed by a checkpoint.
 *    `verify` is what `GET /api/instances/:id/audit/verify` runs (read from SQLite, recompute the
 *    chain, check the checkpoints); its pure parts are timed too.
 * 2. Audit overhead on the core-runtime throughput loop (target < 15 %), in CPU time of this
 *    process (wall-clock throughput printed too): the service-layer cycle
 *    (start → user task → complete → end, every step committed) on two Batons in the same process,
 *    interleaved: one as shipped, one whose store drops the audit rows from every step
 *    (`commitStep` with `audit: []`). The hash chaining, which that cannot remove, is timed
 *    separately on the same events and subtracted: without audit ≈ (without append) − (chaining).
 *    What stays in both is the engine listener pushing events into an array (small).
 * 3. Checkpoints at scale: sealing 10,000 advanced heads, the pass over 10,000 instances when none
 *    advanced, and checking one 10,000-head checkpoint (what a verify pays per checkpoint that
 *    sealed the instance). Instance rows are inserted with SQL, as bench/timers.ts clones them.
 *
 *   node --import tsx bench/audit.ts
 *   BENCH_AUDIT_EVENTS=10000 BENCH_AUDIT_COUNT=150 BENCH_AUDIT_ROUNDS=8 node --import tsx bench/audit.ts
 */
import { performance } from 'node:perf_hooks';

import { chainEvents, GENESIS_HASH, verifyChain } from '../server/audit/audit-chain.js';
import { checkpointProblem, signCheckpoint } from '../server/audit/audit-checkpoint.js';
import { auditKeyOf } from '../server/audit/audit-key.js';
import type { AuditEventInput } from '../server/audit/audit-event.js';
import { foldAudit } from '../server/replay/replay-fold.js';
import { openSqliteStore, type SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import type { Store } from '../server/stores/store.js';
import { diagram, envCount, fmt, isMain, median, PROCESSES, printFigures, startBenchBaton, timeCycles, writeResult, type Figure } from './fixtures.js';
import { serviceCycle } from './service-throughput.js';

const LOOP_KEY = 'benchAuditLoop';
/** A task that goes round until `done`: about a dozen audit events per round. */
const LOOP_XML = diagram(
  LOOP_KEY,
  `    <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="join" />
    <bpmn:exclusiveGateway id="join" /><bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="work" />
    <bpmn:userTask id="work" name="Work" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="check" />
    <bpmn:exclusiveGateway id="check" default="again" />
    <bpmn:sequenceFlow id="out" sourceRef="check" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${done}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="again" sourceRef="check" targetRef="join" />
    <bpmn:endEvent id="end" />`,
);

export interface AuditTrailResult {
  events: number;
  buildSeconds: number;
  /** Median ms of the full verify (SQLite read + chain + checkpoints), as the endpoint runs it. */
  verifyMs: number;
  readMs: number;
  verifyChainMs: number;
  foldMs: number;
  valid: boolean;
}

export interface AuditOverheadResult {
  process: string;
  eventsPerInstance: number;
  withAudit: Figure;
  withoutAppend: Figure;
  /** µs per instance spent chaining (canonical JSON + sha256) its events. */
  chainUs: number;
  /** CPU µs of this process per instance (median of rounds), with and without audit rows. */
  cpuUsWith: number;
  cpuUsWithout: number;
  /** Median over rounds of (CPU time per instance with audit ÷ without) − 1; each round pairs adjacent runs. */
  overhead: number;
  /** Each round's overhead, for the spread. */
  overheads: number[];
  /** The same from wall-clock throughput (noisier: other processes' load lands in it). */
  wallOverhead: number;
}

async function time<T>(runs: number, work: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const samples: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    result = await work();
    samples.push(performance.now() - began);
  }
  return { ms: median(samples), result: result as T };
}

export async function runTrail(target = envCount('AUDIT_EVENTS', 10_000)): Promise<AuditTrailResult> {
  const bench = await startBenchBaton();
  try {
    const { baton } = bench;
    await baton.definitions.deploy(LOOP_XML);
    const began = performance.now();
    const { instance } = await baton.instances.start({ processKey: LOOP_KEY, variables: { done: false }, businessKey: null }, 'bench');
    let events = instance.auditHead.seq;
    for (let round = 0; events < target; round++) {
      const [task] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
      if (!task) throw new Error('the loop has no open task');
      await baton.tasks.complete(task.id, { done: false, round }, 'bench');
      events = (await baton.store.instances.get(instance.id))?.auditHead.seq ?? 0;
    }
    await baton.checkpointer.checkpoint();
    const buildSeconds = (performance.now() - began) / 1000;
    console.log(`a ${fmt(events)}-event trail built in ${fmt(buildSeconds, 1)} s; sealed by a checkpoint`);

    await baton.audit.verify(instance.id); // warm-up
    const verify = await time(5, () => baton.audit.verify(instance.id));
    const read = await time(5, () => baton.store.audit.forInstance(instance.id));
    const trail = read.result;
    const chain = await time(5, () => verifyChain(trail));
    foldAudit(trail);
    const fold = await time(5, () => foldAudit(trail));
    const result = { events: trail.length, buildSeconds, verifyMs: verify.ms, readMs: read.ms, verifyChainMs: chain.ms, foldMs: fold.ms, valid: verify.result.valid && chain.result === null };
    if (!result.valid) throw new Error('the benchmark trail does not verify');
    console.log(`  verify (endpoint: read + chain + checkpoints) ${fmt(verify.ms, 1)} ms   target < 200 ms  ${verify.ms < 200 ? 'met' : 'NOT met'}`);
    console.log(`    of which: read ${fmt(read.ms, 1)} ms, verifyChain ${fmt(chain.ms, 1)} ms`);
    console.log(`  fold to the last step               ${fmt(fold.ms, 1)} ms   target < 200 ms  ${fold.ms < 200 ? 'met' : 'NOT met'}`);
    return result;
  } finally {
    await bench.close();
  }
}

export interface CheckpointScaleResult {
  instances: number;
  sealMs: number;
  idleMs: number;
  checkMs: number;
}

export async function runCheckpointScale(instances = envCount('AUDIT_CHECKPOINT_HEADS', 10_000)): Promise<CheckpointScaleResult> {
  const store = openSqliteStore(':memory:');
  try {
    const key = auditKeyOf('bench-audit-key-bench-audit-key-0123');
    const insert = store.db.prepare(
      `INSERT INTO instances (id, definition_id, process_key, definition_version, ticket_number, business_key, status, variables, state,
         engine_version, version, audit_seq, audit_hash, started_at, updated_at, ended_at)
       VALUES (?, 'bench:1', 'bench', 1, ?, NULL, 'running', '{}', NULL, '', 1, 12, ?, ?, ?, NULL)`,
    );
    const now = new Date().toISOString();
    store.db.transaction(() => {
      for (let i = 0; i < instances; i++) insert.run(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `B-${i}`, 'a'.repeat(64), now, now);
    })();
    const sign = (body: Parameters<typeof signCheckpoint>[1]) => signCheckpoint(key, body);
    const sealed = await time(1, () => store.audit.checkpoints.append(now, key.id, sign));
    const idle = await time(5, () => store.audit.checkpoints.append(now, key.id, sign));
    const checkpoint = sealed.result;
    if (!checkpoint || idle.result !== null) throw new Error('the checkpoint benchmark did not seal exactly once');
    const check = await time(5, async () => checkpointProblem(key, checkpoint, await store.audit.checkpoints.heads(checkpoint.id)));
    if (check.result !== null) throw new Error(check.result);
    console.log(
      `\ncheckpoints over ${fmt(instances)} instances: seal all heads ${fmt(sealed.ms, 1)} ms; pass with none advanced ${fmt(idle.ms, 1)} ms; check one ${fmt(instances)}-head checkpoint ${fmt(check.ms, 1)} ms`,
    );
    return { instances, sealMs: sealed.ms, idleMs: idle.ms, checkMs: check.ms };
  } finally {
    await store.close();
  }
}

/** Means of consecutive rounds (0 and 1, 2 and 3, …), which ran in opposite orders; an odd last round stands alone. */
function bothOrders(values: readonly number[]): number[] {
  const means: number[] = [];
  for (let i = 0; i < values.length; i += 2) {
    const pair = values.slice(i, i + 2);
    means.push(pair.reduce((sum, value) => sum + value, 0) / pair.length);
  }
  return means;
}

/** The store with every step's audit rows dropped: what the step costs without appending them. */
function withoutAuditRows(store: SqliteStore): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commitStep') return (step: Parameters<Store['commitStep']>[0]) => target.commitStep({ ...step, audit: [] });
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function runOverhead(count = envCount('AUDIT_COUNT', 150), rounds = envCount('AUDIT_ROUNDS', 8)): Promise<AuditOverheadResult[]> {
  const withAudit = await startBenchBaton();
  const withoutAppend = await startBenchBaton({ wrapStore: withoutAuditRows });
  const results: AuditOverheadResult[] = [];
  try {
    for (const definition of PROCESSES) {
      const a = serviceCycle(withAudit.baton, definition.key);
      const b = serviceCycle(withoutAppend.baton, definition.key);
      await timeCycles(100, 1, a);
      await timeCycles(100, 1, b);
      const n = definition.key === PROCESSES[0]?.key ? count : Math.ceil(count / 2);
      console.log(`\naudit overhead — ${definition.label}; ${n} instances per run, sequential, ${rounds} paired rounds`);
      // Paired rounds, the order alternating: on a shared machine the noise moves both halves of a
      // round alike, and the per-round ratio keeps less of it than a ratio of two medians.
      // CPU time of this process is the primary measure: on a machine shared with other work, wall
      // time also counts the moments the scheduler gave the core to someone else.
      const runsWith: number[] = [];
      const runsWithout: number[] = [];
      const cpuWith: number[] = [];
      const cpuWithout: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [a, b] : [b, a];
        for (const cycle of order) {
          const cpu = process.cpuUsage();
          const timing = await timeCycles(n, 1, cycle);
          const used = process.cpuUsage(cpu);
          (cycle === a ? runsWith : runsWithout).push(timing.perSec);
          (cycle === a ? cpuWith : cpuWithout).push((used.user + used.system) / n);
        }
      }
      const full: Figure = { name: 'with audit (as shipped)', perSec: median(runsWith), runs: runsWith };
      const bare: Figure = { name: 'without appending audit rows', perSec: median(runsWithout), runs: runsWithout };
      printFigures([full, bare], bare);

      // Chaining: the events one instance of this process records, chained as its steps do.
      const [sample] = await withAudit.baton.instances.list({ processKey: definition.key, limit: 1 });
      const events = await withAudit.store.audit.forInstance(sample?.id ?? '');
      const inputs: AuditEventInput[] = events.map(({ type, actor, elementId, data }) => ({ type, actor, elementId, data }));
      const context = { instanceId: sample?.id ?? '', definitionId: sample?.definitionId ?? '', at: new Date() };
      const reps = 2000;
      for (let i = 0; i < 200; i++) chainEvents({ seq: 0, hash: GENESIS_HASH }, context, inputs);
      const began = performance.now();
      for (let i = 0; i < reps; i++) chainEvents({ seq: 0, hash: GENESIS_HASH }, context, inputs);
      const chainUs = ((performance.now() - began) * 1000) / reps;

      const overheadOf = (usWith: number, usWithout: number) => usWith / (usWithout - chainUs) - 1;
      const overheads = cpuWith.map((us, round) => overheadOf(us, cpuWithout[round] ?? us));
      // The run that goes first in a round is measurably favoured or penalised (warm caches, the
      // other store's WAL checkpoint): each figure is the mean of two rounds, one in each order.
      const overhead = median(bothOrders(overheads));
      const wallOverhead = median(bothOrders(runsWith.map((perSec, round) => overheadOf(1e6 / perSec, 1e6 / (runsWithout[round] ?? perSec)))));
      console.log(`  ${events.length} audit events per instance; chaining them ${fmt(chainUs, 1)} µs per instance`);
      console.log(`  CPU per instance: with audit ${fmt(median(cpuWith))} µs, without audit rows ${fmt(median(cpuWithout))} µs (minus chaining for "no audit")`);
      console.log(
        `  overhead (CPU) per round ${overheads.map((value) => `${fmt(value * 100, 1)} %`).join(', ')}; per pair of rounds (both orders) ${bothOrders(overheads)
          .map((value) => `${fmt(value * 100, 1)} %`)
          .join(', ')} → median ${fmt(overhead * 100, 1)} %  (target < 15 %)`,
      );
      console.log(`  overhead (wall clock, noisier) median ${fmt(wallOverhead * 100, 1)} %`);
      results.push({
        process: definition.key,
        eventsPerInstance: events.length,
        withAudit: full,
        withoutAppend: bare,
        chainUs,
        cpuUsWith: median(cpuWith),
        cpuUsWithout: median(cpuWithout),
        overhead,
        overheads,
        wallOverhead,
      });
    }
  } finally {
    await withAudit.close();
    await withoutAppend.close();
  }
  return results;
}

if (isMain(import.meta.url)) {
  const trail = await runTrail();
  const checkpoints = await runCheckpointScale();
  const overhead = await runOverhead();
  writeResult({ bench: 'audit', trail, checkpoints, overhead });
}
