/**
 * Timer benchmark (the timers issue): BPMN timers run by agenda 6 on Baton's SQLite store while
 * 100,000 far-future timers are pending. Results and their reading: docs/benchmarks-timers.md.
 *
 *   node --import tsx bench/timers.ts
 *
 * 1. Store: BENCH_TIMERS_API (5,000) instances of start → user task (l1) with an interrupting
 *    PT20H boundary timer → L2 task → end are started through `baton.instances.start`; the rest up
 *    to BENCH_TIMERS_PENDING (100,000) are SQL clones of those real rows (instances, tasks, audit
 *    chain re-hashed, agenda_jobs), because starting all of them through the service layer takes
 *    far too long on 2 cores. One clone has its audit chain verified and one is completed through
 *    `baton.tasks.complete`, to show the clones are instances Baton can run.
 * 2. Start-up, in a fresh child process: open the store, createBaton, agenda started; timed until
 *    agenda's first poll is done and until a timer that fell due while Baton was down has fired;
 *    then RSS at rest. Baseline: the same on a store without the 100,000 timers.
 * 3. As shipped with 100,000 pending: the per-instance timer lookup every step makes, instance
 *    starts per second, and a short stream of PT2S timers (20/s for BENCH_TIMERS_SHIPPED_STREAM_S).
 *    Then `ANALYZE` is run on the benchmark's database (unless BENCH_TIMERS_ANALYZE=0), which makes
 *    SQLite use the instance index for that lookup; the phases below run with those statistics.
 * 4. Steady state: 20 instances/s (BENCH_TIMERS_RATE) with a PT2S escalation for
 *    BENCH_TIMERS_STREAM_S (60) s, agenda polling every 5000 ms (the default) and then every
 *    1000 ms. Lateness = `timer.fired` data.firedAt − the job's due time; also the commit time,
 *    agenda's pick-up time and `baton.timers.metricsSnapshot()`. Baseline: the event loop's delay.
 * 5. Burst: BENCH_TIMERS_BURST (10,000) timers (timeDate) due within one second: BENCH_TIMERS_BURST_API
 *    (1,000) instances started through the API, the rest SQL clones of them (same due times). Every
 *    timer must fire once and every instance escalate. Baseline: completing the same number of
 *    tasks through `baton.tasks.complete` with the scheduler's timer steps in flight (1 on SQLite).
 *
 * Only the scheduler (`baton.agendaTimers`: timer batches since issue 20, agenda before) runs the
 * timers (the 30 s safety sweep is not started, except once after the burst to fire what the
 * scheduler left). The store's `timerJobs.claimDue` (one statement locking a batch of due timer
 * jobs) is wrapped to time it. Where one fire's time goes, scheduler against the step alone:
 * bench/timer-fires.ts.
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { GENESIS_HASH, hashEvent } from '../server/audit/audit-chain.js';
import { createBaton, type Baton } from '../server/baton.js';
import { seedDepartments } from '../server/departments/seed-departments.js';
import { openSqliteStore, type SqliteStore } from '../server/stores/sqlite/sqlite-store.js';
import { BENCH_CONFIG, diagram, fmt, timeCycles } from './fixtures.js';

// ---------------------------------------------------------------------------------------------
// Settings

function envInt(name: string, fallback: number): number {
  const raw = process.env[`BENCH_TIMERS_${name}`];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`BENCH_TIMERS_${name} must be a whole number, got '${raw}'`);
  return value;
}

const PENDING = envInt('PENDING', 100_000);
const API_STARTS = Math.min(envInt('API', 5000), PENDING);
const STREAM_RATE = envInt('RATE', 20);
const STREAM_SECONDS = envInt('STREAM_S', 60);
const SHIPPED_STREAM_SECONDS = envInt('SHIPPED_STREAM_S', 5);
const BURST = envInt('BURST', 10_000);
const BURST_API = Math.min(envInt('BURST_API', 1000), BURST);
/**
 * How long after the due second the burst is left to agenda alone (the target is 60 s). The loop
 * that checks can only run between agenda's queue fills, so it may stop later than this.
 */
const BURST_GIVE_UP_MS = envInt('BURST_GIVE_UP_S', 60) * 1000;
const ANALYZE = envInt('ANALYZE', 1) === 1;
/** agenda's settings in production (server/config.ts defaults); processEvery varies per phase. */
const LOCK_LIFETIME_MS = envInt('LOCK_LIFETIME_MS', 60_000);
const RETRY_MS = 30_000;
const DEFAULT_PROCESS_EVERY_MS = 5000;
/** The scheduler's timer steps in flight on SQLite (server/timers/agenda-timers.ts; agenda ran 5 before issue 20). */
const TIMER_CONCURRENCY = 1;

const began = performance.now();

function log(message: string): void {
  console.log(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

// ---------------------------------------------------------------------------------------------
// Processes

/** start → L1 task with an interrupting boundary timer (`timer`) → L2 task → end. */
function escalation(processId: string, timer: string): string {
  return diagram(
    processId,
    `    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition>${timer}</bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="end" />`,
  );
}

/** The 100,000 far-future timers: a 20-hour escalation. */
const SLA_KEY = 'timerBenchSla';
/** The steady stream: due 2 s after the instance starts. */
const STREAM_KEY = 'timerBenchStream';
/** The burst: a follow-up date given at start. */
const BURST_KEY = 'timerBenchBurst';
const PROCESS_XML = [
  escalation(SLA_KEY, '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT20H</bpmn:timeDuration>'),
  escalation(STREAM_KEY, '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2S</bpmn:timeDuration>'),
  escalation(BURST_KEY, '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${followUpAt}</bpmn:timeDate>'),
];

/** The query SqliteTimerStore runs for one instance's timers, in every step (twice in most). */
const TIMERS_OF_INSTANCE_SQL = `SELECT id, data FROM agenda_jobs WHERE instance_id = ? AND name = ?
       ORDER BY json_extract(data, '$.dueMs'), id`;

// ---------------------------------------------------------------------------------------------
// Baton on a file, with agenda, instrumented

interface PollStats {
  calls: number;
  totalMs: number;
  maxMs: number;
  /** Longest run of back-to-back calls (no macrotask between them): one agenda queue fill. */
  longestChainMs: number;
  longestChainCalls: number;
  firstEmptyTimerPollAt: number | null;
  /** Fills this wrapper ended because they re-locked their own jobs after the lock lifetime. */
  livelocks: { chainMs: number; calls: number; distinct: number }[];
}

interface Running {
  baton: Baton;
  store: SqliteStore;
  poll: PollStats;
  /** Claims of baton.timer jobs (deliveries), by job id. */
  deliveries: Map<string, number>;
  /** Job start (agenda's `start` event) minus the job's due time, ms. */
  pickupLateMs: number[];
  /**
   * Instances whose L2 task opened (the escalation committed), with the commit time: counted from
   * the committed steps, not from their `fired` list, which stays empty under the system clock.
   */
  escalations: Map<string, number>;
}

/** Calls `onEscalated(instanceId)` after each committed step that opened an L2 task. */
function onEscalation(baton: Baton, onEscalated: (instanceId: string) => void): void {
  baton.runner.events.on('step.committed', ({ instance, tasks }) => {
    if (tasks.some((task) => task.elementId === 'l2' && task.status === 'open')) onEscalated(instance.id);
  });
}

function createBenchBaton(store: SqliteStore, processEveryMs: number): Baton {
  return createBaton({
    ...BENCH_CONFIG,
    store,
    config: { ...BENCH_CONFIG.config, timerPollMs: 30_000 },
    agenda: { processEveryMs, lockLifetimeMs: LOCK_LIFETIME_MS, retryMs: RETRY_MS },
  });
}

async function openBaton(file: string, processEveryMs: number): Promise<Running> {
  const store = openSqliteStore(file);
  await seedDepartments(store.departments);
  const baton = createBenchBaton(store, processEveryMs);
  const deliveries = new Map<string, number>();
  const pickupLateMs: number[] = [];
  const poll = instrumentPolls(store, (job) => {
    deliveries.set(job.id, (deliveries.get(job.id) ?? 0) + 1);
    pickupLateMs.push(Date.now() - job.dueMs);
  });
  const escalations = new Map<string, number>();
  onEscalation(baton, (instanceId) => escalations.set(instanceId, Date.now()));
  await baton.agendaTimers!.start();
  return { baton, store, poll, deliveries, pickupLateMs, escalations };
}

async function closeBaton(running: Running, label: string): Promise<void> {
  const t0 = performance.now();
  await running.baton.shutdown();
  const ms = performance.now() - t0;
  if (ms > 1000) log(`  (${label}: shutdown took ${fmt(ms / 1000, 1)} s)`);
}

/** Counts macrotask turns: calls made in the same turn belong to one uninterrupted queue fill. */
let macroTurn = 0;
setInterval(() => {
  macroTurn += 1;
}, 5).unref();

/**
 * Times every claim of due timer jobs (`timerJobs.claimDue`, one statement locking a batch; before
 * issue 20 agenda's getNextJobToRun, one job per call) and hands each claimed job to `onClaimed`.
 * A chain is the claims made in one macrotask turn (agenda's queue fills made thousands; batches
 * make one). `livelocks` stays empty: batches never re-lock their own jobs (kept for the table).
 */
function instrumentPolls(store: SqliteStore, onClaimed: (job: { id: string; dueMs: number }) => void = () => undefined): PollStats {
  const stats: PollStats = { calls: 0, totalMs: 0, maxMs: 0, longestChainMs: 0, longestChainCalls: 0, firstEmptyTimerPollAt: null, livelocks: [] };
  const timerJobs = store.timerJobs;
  const original = timerJobs.claimDue.bind(timerJobs);
  let chainStart = 0;
  let chainCalls = 0;
  let chainTurn = -1;
  timerJobs.claimDue = async (...args: Parameters<typeof original>) => {
    const start = performance.now();
    const result = await original(...args);
    const end = performance.now();
    const ms = end - start;
    stats.calls += 1;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    if (macroTurn !== chainTurn) {
      chainTurn = macroTurn;
      chainStart = start;
      chainCalls = 0;
    }
    chainCalls += 1;
    if (end - chainStart > stats.longestChainMs) {
      stats.longestChainMs = end - chainStart;
      stats.longestChainCalls = chainCalls;
    }
    if (result.length === 0 && stats.firstEmptyTimerPollAt === null) stats.firstEmptyTimerPollAt = end;
    for (const job of result) onClaimed(job);
    return result;
  };
  return stats;
}

function resetPolls(stats: PollStats): void {
  Object.assign(stats, { calls: 0, totalMs: 0, maxMs: 0, longestChainMs: 0, longestChainCalls: 0, livelocks: [] });
}

async function deployAll(baton: Baton): Promise<void> {
  for (const xml of PROCESS_XML) await baton.definitions.deploy(xml);
}

/** Runs `count` jobs with at most `concurrency` in flight; prints progress every 10 s. */
async function inLanes(count: number, concurrency: number, label: string, job: (index: number) => Promise<void>): Promise<number> {
  let done = 0;
  const ticker = setInterval(() => log(`  ${label}: ${fmt(done)}/${fmt(count)}`), 10_000);
  try {
    const timing = await timeCycles(count, concurrency, async (index) => {
      await job(index);
      done += 1;
    });
    return timing.ms;
  } finally {
    clearInterval(ticker);
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and the figures table

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function maxOf(values: readonly number[]): number {
  return values.reduce((max, value) => Math.max(max, value), Number.NEGATIVE_INFINITY);
}

function minOf(values: readonly number[]): number {
  return values.reduce((min, value) => Math.min(min, value), Number.POSITIVE_INFINITY);
}

const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;
const secs = (ms: number) => `${fmt(ms / 1000, 1)} s`;

interface Row {
  figure: string;
  value: string;
  baseline: string;
}
const table: Row[] = [];
const verdicts: string[] = [];
const problems: string[] = [];

function row(figure: string, value: string, baseline = ''): void {
  table.push({ figure, value, baseline });
  log(`FIGURE ${figure}: ${value}${baseline ? `   [baseline: ${baseline}]` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Cloning instances with SQL

type SqlValue = string | number | null;
type DbRow = Record<string, SqlValue>;

/** A string split around its ids: joined again with a fresh id for each, it is a clone. */
interface Tokenised {
  parts: string[];
  tokens: number[];
}

interface Template {
  ticket: string;
  /** Distinct ids to replace: the ticket number, uuids (instance id, job generation), engine execution ids. */
  ids: string[];
  rows: { table: string; columns: Record<string, SqlValue | Tokenised> }[];
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/**
 * bpmn-engine execution ids: `<element or process id>_<hex>` (the ids here have no underscore). The
 * hex part is `Math.random().toString(16).substring(2, 12)`, so now and then shorter than 10.
 */
const EXECUTION_ID = '[A-Za-z][A-Za-z0-9]*_[0-9a-f]{1,10}(?![0-9a-f])';

function isTokenised(value: SqlValue | Tokenised): value is Tokenised {
  return typeof value === 'object' && value !== null;
}

function loadTemplate(store: SqliteStore, instanceId: string): Template {
  const db = store.db;
  const instance = db.prepare('SELECT * FROM instances WHERE id = ?').get(instanceId) as DbRow;
  const ticket = String(instance['ticket_number']);
  const pattern = new RegExp(`${UUID}|${EXECUTION_ID}|${ticket.replace(/-/g, '\\-')}`, 'g');
  const ids: string[] = [];
  const index = new Map<string, number>();
  const tokenise = (text: string): Tokenised | string => {
    const parts: string[] = [];
    const tokens: number[] = [];
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      const id = match[0];
      let at = index.get(id);
      if (at === undefined) {
        at = ids.length;
        ids.push(id);
        index.set(id, at);
      }
      parts.push(text.slice(last, match.index));
      tokens.push(at);
      last = match.index + id.length;
    }
    if (tokens.length === 0) return text;
    parts.push(text.slice(last));
    return { parts, tokens };
  };
  const rows: Template['rows'] = [];
  const add = (table: string, list: DbRow[]) => {
    for (const source of list) {
      const columns: Record<string, SqlValue | Tokenised> = {};
      for (const [key, value] of Object.entries(source)) columns[key] = typeof value === 'string' ? tokenise(value) : value;
      rows.push({ table, columns });
    }
  };
  add('instances', [instance]);
  add('tasks', db.prepare('SELECT * FROM tasks WHERE instance_id = ?').all(instanceId) as DbRow[]);
  add('audit_events', db.prepare('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY seq').all(instanceId) as DbRow[]);
  add('agenda_jobs', db.prepare('SELECT * FROM agenda_jobs WHERE instance_id = ?').all(instanceId) as DbRow[]);
  return { ticket, ids, rows };
}

/** Rows of a new instance made from a template: fresh ids everywhere, the audit chain re-hashed. */
function cloneRows(template: Template, ticket: string): { table: string; row: DbRow }[] {
  const fresh = template.ids.map((id) => {
    if (id === template.ticket) return ticket;
    if (id.includes('-')) return randomUUID();
    return `${id.slice(0, id.lastIndexOf('_'))}_${randomBytes(5).toString('hex')}`;
  });
  const rows = template.rows.map(({ table, columns }) => {
    const cloned: DbRow = {};
    for (const [key, value] of Object.entries(columns)) {
      if (!isTokenised(value)) {
        cloned[key] = value;
        continue;
      }
      let text = value.parts[0] ?? '';
      for (let i = 0; i < value.tokens.length; i++) text += (fresh[value.tokens[i]!] ?? '') + (value.parts[i + 1] ?? '');
      cloned[key] = text;
    }
    return { table, row: cloned };
  });
  let prev = GENESIS_HASH;
  for (const { table: name, row: event } of rows) {
    if (name !== 'audit_events') continue;
    const hash = hashEvent(prev, {
      instanceId: String(event['instance_id']),
      seq: Number(event['seq']),
      type: String(event['type']),
      at: String(event['at']),
      actor: String(event['actor']),
      elementId: event['element_id'] === null ? null : String(event['element_id']),
      definitionId: String(event['definition_id']),
      data: JSON.parse(String(event['data'])) as Record<string, unknown>,
    });
    event['prev_hash'] = prev;
    event['hash'] = hash;
    prev = hash;
  }
  const instance = rows.find((candidate) => candidate.table === 'instances');
  if (instance) instance.row['audit_hash'] = prev;
  return rows;
}

/** Inserts `count` clones of the template instances (spread evenly over them); answers their ids. */
function cloneInstances(store: SqliteStore, templateIds: readonly string[], count: number, label: string): string[] {
  const db = store.db;
  const statements = new Map<string, ReturnType<typeof db.prepare>>();
  const insert = (table: string, data: DbRow) => {
    let statement = statements.get(table);
    if (!statement) {
      const columns = Object.keys(data);
      statement = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      statements.set(table, statement);
    }
    statement.run(data);
  };
  const nextTicket = db.prepare('UPDATE ticket_sequences SET last = last + 1 WHERE prefix = ? RETURNING last').pluck();
  const ids: string[] = [];
  let reported = 0;
  const perTemplate = (i: number) => Math.floor(count / templateIds.length) + (i < count % templateIds.length ? 1 : 0);
  const batch = Math.max(1, Math.ceil(2000 / Math.max(1, Math.floor(count / templateIds.length))));
  for (let first = 0; first < templateIds.length; first += batch) {
    db.transaction(() => {
      for (let i = first; i < Math.min(templateIds.length, first + batch); i++) {
        const template = loadTemplate(store, templateIds[i]!);
        const prefix = template.ticket.slice(0, template.ticket.lastIndexOf('-'));
        for (let k = 0; k < perTemplate(i); k++) {
          const number = nextTicket.get(prefix) as number;
          const ticket = `${prefix}-${String(number).padStart(6, '0')}`;
          // Each clone in a savepoint: a clash of fresh ids (a duplicate key) is retried with new ones.
          for (let attempt = 1; ; attempt++) {
            const rows = cloneRows(template, ticket);
            try {
              db.transaction(() => {
                for (const { table, row: data } of rows) insert(table, data);
              })();
              ids.push(String(rows[0]!.row['id']));
              break;
            } catch (err) {
              const failed = rows.find(({ table }) => table === 'tasks')?.row['id'];
              log(`  clone of ${templateIds[i]} (attempt ${attempt}, task ${String(failed)}): ${err instanceof Error ? err.message : String(err)}; ids ${template.ids.join(' ')}`);
              if (attempt >= 3) throw err;
            }
          }
        }
      }
    }).immediate();
    if (ids.length - reported >= 20_000) {
      reported = ids.length;
      log(`  ${label}: ${fmt(ids.length)}/${fmt(count)}`);
    }
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// 1. 100,000 pending timers

function dbSize(file: string): number {
  let size = 0;
  for (const suffix of ['', '-wal']) {
    try {
      size += statSync(file + suffix).size;
    } catch {
      // no WAL file
    }
  }
  return size;
}

async function fillStore(file: string): Promise<{ apiPerSec: number }> {
  const running = await openBaton(file, DEFAULT_PROCESS_EVERY_MS);
  const { baton, store } = running;
  await deployAll(baton);

  log(`1. starting ${fmt(API_STARTS)} instances of ${SLA_KEY} (PT20H escalation) through baton.instances.start, 10 in flight`);
  const realIds: string[] = [];
  const apiMs = await inLanes(API_STARTS, 10, 'started', async () => {
    const { instance } = await baton.instances.start({ processKey: SLA_KEY, variables: {}, businessKey: null }, 'bench');
    realIds.push(instance.id);
  });
  const apiPerSec = (API_STARTS * 1000) / apiMs;
  row(`Create pending timers through baton.instances.start (0 → ${fmt(API_STARTS)} pending)`, `${fmt(API_STARTS)} in ${secs(apiMs)} = ${fmt(apiPerSec)} instances/s`);

  const clones = PENDING - API_STARTS;
  if (clones > 0) {
    log(`1. cloning ${fmt(clones + 1)} instances with SQL from the ${fmt(API_STARTS)} real ones (one extra is completed as a check)`);
    const t0 = performance.now();
    const cloneIds = cloneInstances(store, realIds, clones + 1, 'cloned');
    const cloneMs = performance.now() - t0;
    const c0 = performance.now();
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const checkpointMs = performance.now() - c0;
    row(
      'Clone pending-timer instances with SQL (instances, tasks, audit, agenda_jobs rows)',
      `${fmt(clones + 1)} in ${secs(cloneMs)} = ${fmt(((clones + 1) * 1000) / cloneMs)} instances/s; WAL checkpoint ${secs(checkpointMs)}`,
    );

    // Clones are real instances: their audit chain verifies and the engine resumes their state.
    const probe = cloneIds[cloneIds.length - 1]!;
    const verified = await baton.audit.verify(cloneIds[0]!);
    const [task] = await baton.tasks.list({ instanceId: probe, status: 'open' });
    if (!task) throw new Error(`clone ${probe} has no open task`);
    const timersBefore = (await store.timers.forInstance(probe)).length;
    await baton.tasks.complete(task.id, {}, 'bench');
    const after = await baton.instances.get(probe);
    const ok = verified.valid && timersBefore === 1 && after.status === 'completed' && after.timers.length === 0;
    log(`  clone check: audit chain valid=${verified.valid}; a clone's task completed through the API: instance ${after.status}, timer job removed=${after.timers.length === 0}`);
    if (!ok) problems.push('A cloned instance did not verify or could not be completed: the clone rows are not faithful.');
  }
  const pending = await store.timers.count();
  row('Pending timers in the store', `${fmt(pending)} (${fmt(API_STARTS)} started through the API, ${fmt(Math.max(0, pending - API_STARTS))} SQL clones); database ${mb(dbSize(file))}`);
  await closeBaton(running, 'fill');
  return { apiPerSec };
}

// ---------------------------------------------------------------------------------------------
// 2. Start-up, in a fresh process

interface StartupResult {
  label: string;
  pending: number;
  openMs: number;
  agendaStartedMs: number;
  firstPollMs: number;
  overdueFiredMs: number;
  pollQueryMs: number;
  rss: number;
  heapUsed: number;
}

/** Child side: open, start agenda, wait for the first poll and the overdue timer; measure. */
async function startupChild(file: string, label: string): Promise<void> {
  const t0 = performance.now();
  const store = openSqliteStore(file);
  const openMs = performance.now() - t0;
  const baton = createBenchBaton(store, DEFAULT_PROCESS_EVERY_MS);
  const poll = instrumentPolls(store);
  const fired = new Promise<number>((resolve) => onEscalation(baton, () => resolve(performance.now())));
  await baton.agendaTimers!.start();
  const agendaStartedMs = performance.now() - t0;
  while (poll.firstEmptyTimerPollAt === null) await sleep(1);
  const firstPollMs = poll.firstEmptyTimerPollAt - t0;
  const overdueFiredMs = (await Promise.race([fired, sleep(30_000).then(() => Number.NaN)])) - t0;
  // What one look for due jobs costs with this many pending, when none is due.
  const q0 = performance.now();
  for (let i = 0; i < 20; i++) await store.timerJobs.claimDue({ now: Date.now(), lockDeadline: Date.now() - LOCK_LIFETIME_MS, limit: 25, owner: 'bench' });
  const pollQueryMs = (performance.now() - q0) / 20;
  const pending = await store.timers.count();
  await sleep(2000);
  const memory = process.memoryUsage();
  const result: StartupResult = { label, pending, openMs, agendaStartedMs, firstPollMs, overdueFiredMs, pollQueryMs, rss: memory.rss, heapUsed: memory.heapUsed };
  await baton.shutdown();
  // Exit at once: the 30 s guard timer above and the IPC channel would keep the child alive.
  process.send?.(result, () => process.exit(0));
}

function runStartupChild(file: string, label: string): Promise<StartupResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--startup-child', file, label], { execArgv: process.execArgv });
    let result: StartupResult | null = null;
    child.on('message', (message) => {
      result = message as StartupResult;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`start-up child exited with ${code} and no result`))));
  });
}

/** Leaves one timer overdue in the store, as if it fell due while Baton was down. */
async function leaveOverdueTimer(file: string, deploy: boolean): Promise<void> {
  const running = await openBaton(file, DEFAULT_PROCESS_EVERY_MS);
  if (deploy) await deployAll(running.baton);
  await running.baton.instances.start({ processKey: STREAM_KEY, variables: {}, businessKey: null }, 'bench');
  await closeBaton(running, 'overdue timer');
}

async function measureStartup(file: string, emptyFile: string): Promise<void> {
  log('2. start-up: one overdue timer left in each store, then Baton started in a fresh process');
  await leaveOverdueTimer(emptyFile, true);
  await leaveOverdueTimer(file, false);
  await sleep(2500);
  const empty = await runStartupChild(emptyFile, 'empty store');
  const full = await runStartupChild(file, `${fmt(PENDING)} pending`);
  for (const result of [empty, full]) {
    log(
      `  ${result.label}: pending ${fmt(result.pending)}, open ${fmt(result.openMs, 1)} ms, agenda started ${fmt(result.agendaStartedMs, 1)} ms, ` +
        `first poll done ${fmt(result.firstPollMs, 1)} ms, overdue timer fired ${fmt(result.overdueFiredMs, 1)} ms, ` +
        `poll query ${fmt(result.pollQueryMs, 2)} ms, RSS ${mb(result.rss)}, heap ${mb(result.heapUsed)}`,
    );
  }
  const ms = (value: number, digits = 1) => `${fmt(value, digits)} ms`;
  row('Start-up: open store + createBaton + agenda started', ms(full.agendaStartedMs), `${ms(empty.agendaStartedMs)} with an empty store`);
  row("Start-up: until agenda's first poll is done", ms(full.firstPollMs), ms(empty.firstPollMs));
  row('Start-up: until a timer missed while down has fired (its step committed)', ms(full.overdueFiredMs), ms(empty.overdueFiredMs));
  row('RSS at rest after start-up (heap used)', `${mb(full.rss)} (${mb(full.heapUsed)})`, `${mb(empty.rss)} (${mb(empty.heapUsed)})`);
  row('One look for due timer jobs (timerJobs.claimDue, none due)', ms(full.pollQueryMs, 2), ms(empty.pollQueryMs, 2));
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the stream and the burst

interface Fired {
  /** `timer.fired` data.firedAt: when the engine fired it. */
  firedAt: number;
  /** `timer.fired` data.scheduledAt; null when bpmn-elements fired the timer by itself. */
  scheduledAt: number | null;
  /** The event's `at`: when the step committed. */
  at: number;
}

/** Due time of each instance's pending timer (Baton's `dueMs` on the agenda job), read before it fires. */
function dueTimes(store: SqliteStore, instanceIds: readonly string[]): Map<string, number> {
  const statement = store.db.prepare("SELECT instance_id AS id, json_extract(data, '$.dueMs') AS due FROM agenda_jobs WHERE name = 'baton.timer' AND instance_id IN (SELECT value FROM json_each(?))");
  const result = new Map<string, number>();
  for (let i = 0; i < instanceIds.length; i += 5000) {
    for (const { id, due } of statement.all(JSON.stringify(instanceIds.slice(i, i + 5000))) as { id: string; due: number }[]) result.set(id, due);
  }
  return result;
}

function firedEvents(store: SqliteStore, instanceIds: readonly string[]): Map<string, Fired[]> {
  const statement = store.db.prepare("SELECT data, at FROM audit_events WHERE instance_id = ? AND type = 'timer.fired'");
  const result = new Map<string, Fired[]>();
  for (const id of instanceIds) {
    const rows = statement.all(id) as { data: string; at: string }[];
    result.set(
      id,
      rows.map((r) => {
        const data = JSON.parse(r.data) as { scheduledAt: string | null; firedAt: string };
        return { firedAt: Date.parse(data.firedAt), scheduledAt: data.scheduledAt === null ? null : Date.parse(data.scheduledAt), at: Date.parse(r.at) };
      }),
    );
  }
  return result;
}

function jobsLeft(store: SqliteStore, instanceIds: readonly string[]): number {
  let left = 0;
  const statement = store.db.prepare("SELECT count(*) AS n FROM agenda_jobs WHERE name = 'baton.timer' AND instance_id IN (SELECT value FROM json_each(?))");
  for (let i = 0; i < instanceIds.length; i += 5000) {
    left += (statement.get(JSON.stringify(instanceIds.slice(i, i + 5000))) as { n: number }).n;
  }
  return left;
}

interface EscalationCheck {
  escalated: number;
  l2Tasks: string[];
  withEscalatedFrom: number;
  withEscalatedEvent: number;
}

/** Instances whose L1 task was cancelled and whose L2 task is open; how many of them say so in the task and the log. */
function escalationCheck(store: SqliteStore, instanceIds: readonly string[]): EscalationCheck {
  const tasks = store.db.prepare('SELECT id, element_id AS element, status, escalated_from AS escalatedFrom FROM tasks WHERE instance_id = ?');
  const events = store.db.prepare("SELECT count(*) AS n FROM audit_events WHERE instance_id = ? AND type = 'task.escalated'");
  const check: EscalationCheck = { escalated: 0, l2Tasks: [], withEscalatedFrom: 0, withEscalatedEvent: 0 };
  for (const id of instanceIds) {
    const rows = tasks.all(id) as { id: string; element: string; status: string; escalatedFrom: string | null }[];
    const l1 = rows.filter((r) => r.element === 'l1');
    const l2 = rows.filter((r) => r.element === 'l2' && r.status === 'open');
    if (l1.length !== 1 || l1[0]!.status !== 'cancelled' || l2.length !== 1) continue;
    check.escalated += 1;
    check.l2Tasks.push(l2[0]!.id);
    if (l2[0]!.escalatedFrom !== null) check.withEscalatedFrom += 1;
    if ((events.get(id) as { n: number }).n === 1) check.withEscalatedEvent += 1;
  }
  return check;
}

interface FiringCheck {
  /** firedAt − due time, ms. */
  lateness: number[];
  /** Commit (event `at`) − due time, ms. */
  commitLateness: number[];
  committedAt: number[];
  never: number;
  twice: number;
  scheduledAtNull: number;
}

function checkFirings(events: Map<string, Fired[]>, due: Map<string, number>): FiringCheck {
  const check: FiringCheck = { lateness: [], commitLateness: [], committedAt: [], never: 0, twice: 0, scheduledAtNull: 0 };
  for (const [id, list] of events) {
    if (list.length === 0) check.never += 1;
    if (list.length > 1) check.twice += 1;
    const dueMs = due.get(id);
    for (const event of list) {
      if (event.scheduledAt === null) check.scheduledAtNull += 1;
      const scheduled = event.scheduledAt ?? dueMs;
      check.committedAt.push(event.at);
      if (scheduled === undefined) continue;
      check.lateness.push(event.firedAt - scheduled);
      check.commitLateness.push(event.at - scheduled);
    }
  }
  return check;
}

function bookkeepingProblem(phase: string, check: FiringCheck, snapshotFired: number, escalation: EscalationCheck): void {
  const fired = check.committedAt.length;
  if (check.scheduledAtNull === 0 && snapshotFired === fired && escalation.withEscalatedFrom === escalation.escalated) return;
  problems.push(
    `${phase}: of ${fmt(fired)} timers fired, ${fmt(check.scheduledAtNull)} have timer.fired scheduledAt null, metricsSnapshot counted ${fmt(snapshotFired)}, ` +
      `and of ${fmt(escalation.escalated)} escalated L2 tasks ${fmt(escalation.withEscalatedFrom)} carry escalatedFrom and ${fmt(escalation.withEscalatedEvent)} have a task.escalated event.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. As shipped, and the lookup every step makes

async function timersOfInstanceMs(store: SqliteStore): Promise<{ ms: number; plan: string }> {
  const ids = store.db.prepare("SELECT instance_id AS id FROM agenda_jobs WHERE name = 'baton.timer' ORDER BY random() LIMIT 20").pluck().all() as string[];
  const t0 = performance.now();
  for (const id of ids) await store.timers.forInstance(id);
  const ms = (performance.now() - t0) / Math.max(1, ids.length);
  const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${TIMERS_OF_INSTANCE_SQL}`).all(ids[0] ?? '', 'baton.timer') as { detail: string }[]).map((r) => r.detail).join('; ');
  return { ms, plan };
}

async function asShipped(file: string): Promise<{ lookupMs: number }> {
  const running = await openBaton(file, DEFAULT_PROCESS_EVERY_MS);
  const { baton, store } = running;
  const lookup = await timersOfInstanceMs(store);
  log(`3. as shipped: one instance's timers (SqliteTimerStore.forInstance; every step runs this query, most of them twice): ${fmt(lookup.ms, 2)} ms; plan: ${lookup.plan}`);
  const count = 200;
  const ms = await inLanes(count, 10, 'started', async () => {
    await baton.instances.start({ processKey: SLA_KEY, variables: {}, businessKey: null }, 'bench');
  });
  row(`As shipped, ${fmt(PENDING)} pending: one instance's timers (forInstance / replaceForInstanceSync query)`, `${fmt(lookup.ms, 2)} ms (plan: ${lookup.plan})`);
  row(
    `As shipped, ${fmt(PENDING)} pending: baton.instances.start, 10 in flight`,
    `${fmt((count * 1000) / ms)} instances/s (${count} starts)`,
    'see the first row: the same starts with 0–10,000 pending',
  );
  await closeBaton(running, 'as shipped');
  return { lookupMs: lookup.ms };
}

async function analyze(file: string, shippedLookupMs: number): Promise<void> {
  const store = openSqliteStore(file);
  const t0 = performance.now();
  store.db.exec('ANALYZE');
  const ms = performance.now() - t0;
  const lookup = await timersOfInstanceMs(store);
  log(`3. ANALYZE took ${secs(ms)}; one instance's timers now ${fmt(lookup.ms, 3)} ms; plan: ${lookup.plan}`);
  row(
    "After ANALYZE (sqlite_stat1 written; Baton never runs it): one instance's timers",
    `${fmt(lookup.ms, 3)} ms (plan: ${lookup.plan})`,
    `${fmt(shippedLookupMs, 2)} ms as shipped; ANALYZE took ${secs(ms)}`,
  );
  store.db.close();
}

// ---------------------------------------------------------------------------------------------
// 4. Steady-state lateness

async function streamPhase(file: string, processEveryMs: number, seconds: number, tag: string): Promise<void> {
  const running = await openBaton(file, processEveryMs);
  const { baton, store } = running;
  const total = STREAM_RATE * seconds;
  const label = `processEvery ${processEveryMs} ms, ${tag}`;
  log(`4. steady state (${label}): ${STREAM_RATE} instances/s of ${STREAM_KEY} (PT2S) for ${seconds} s, ${fmt(await store.timers.count())} timers pending`);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  resetPolls(running.poll);
  const ids: string[] = [];
  const due = new Map<string, number>();
  const startMs: number[] = [];
  const inflight: Promise<void>[] = [];
  let failures = 0;
  const escalated = () => ids.filter((id) => running.escalations.has(id)).length;
  const launch = () => {
    const s0 = performance.now();
    inflight.push(
      baton.instances.start({ processKey: STREAM_KEY, variables: {}, businessKey: null }, 'bench').then(
        async ({ instance }) => {
          ids.push(instance.id);
          startMs.push(performance.now() - s0);
          const [timer] = await store.timers.forInstance(instance.id);
          if (timer) due.set(instance.id, Date.parse(timer.dueAt));
        },
        () => {
          failures += 1;
        },
      ),
    );
  };
  // Offered load: instance i is started at t0 + i / rate; a loop that falls behind catches up.
  const interval = 1000 / STREAM_RATE;
  const t0 = performance.now();
  const t0Epoch = Date.now();
  const ticker = setInterval(() => log(`  started ${ids.length}/${total}, escalated ${escalated()}`), 10_000);
  let launched = 0;
  while (launched < total) {
    const dueCount = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
    while (launched < dueCount) {
      launch();
      launched += 1;
    }
    await sleep(t0 + launched * interval - performance.now());
  }
  await Promise.all(inflight);
  const startedMs = performance.now() - t0;
  const deadline = performance.now() + 2 * processEveryMs + 120_000;
  while (escalated() < ids.length && performance.now() < deadline) await sleep(100);
  clearInterval(ticker);
  loopDelay.disable();
  const snapshot = await baton.timers.metricsSnapshot();
  const check = checkFirings(firedEvents(store, ids), due);
  const escalation = escalationCheck(store, ids);
  const left = jobsLeft(store, ids);
  const deliveries = [...running.deliveries.values()];
  const duplicates = deliveries.filter((n) => n > 1).length;
  const { lateness, commitLateness } = check;
  const p50 = percentile(lateness, 0.5);
  const p99 = percentile(lateness, 0.99);
  const max = maxOf(lateness);
  const drainedAt = maxOf(check.committedAt);
  log(
    `  fired ${check.committedAt.length}/${ids.length} (start failures ${failures}, never fired ${check.never}, fired twice ${check.twice}, jobs left ${left}, escalated ${escalation.escalated}, ` +
      `claimed ${fmt(deliveries.reduce((a, b) => a + b, 0))} times, jobs claimed more than once ${duplicates}); all started in ${secs(startedMs)}`,
  );
  log(
    `  metricsSnapshot: fired ${snapshot.fired}, p50 ${snapshot.lateness.p50Ms ?? 'null'}, p99 ${snapshot.lateness.p99Ms ?? 'null'}; ` +
      `scheduler: ${running.poll.calls} claims, ${fmt(running.poll.totalMs)} ms in all, longest chain ${fmt(running.poll.longestChainMs)} ms`,
  );
  row(
    `Steady state (${label}): lateness firedAt − due time, p50 / p99 / max`,
    `${fmt(p50)} / ${fmt(p99)} / ${fmt(max)} ms (${fmt(lateness.length)} timers; offered ${STREAM_RATE}/s for ${seconds} s, all started after ${secs(startedMs)}, last fired ${secs(drainedAt - t0Epoch)} after the first start)`,
    `event-loop delay p50 / p99 / max ${fmt(loopDelay.percentile(50) / 1e6)} / ${fmt(loopDelay.percentile(99) / 1e6)} / ${fmt(loopDelay.max / 1e6)} ms`,
  );
  row(
    `Steady state (${label}): step committed − due time, p50 / p99 / max`,
    `${fmt(percentile(commitLateness, 0.5))} / ${fmt(percentile(commitLateness, 0.99))} / ${fmt(maxOf(commitLateness))} ms`,
    `instance start alongside, p50 / p99 ${fmt(percentile(startMs, 0.5))} / ${fmt(percentile(startMs, 0.99))} ms`,
  );
  row(
    `Steady state (${label}): pick-up (job claimed − due time), p50 / p99 / max`,
    `${fmt(percentile(running.pickupLateMs, 0.5))} / ${fmt(percentile(running.pickupLateMs, 0.99))} / ${fmt(maxOf(running.pickupLateMs))} ms`,
    `${fmt(running.poll.calls)} claims, ${fmt(running.poll.totalMs / Math.max(1, running.poll.calls), 1)} ms each`,
  );
  row(
    `Steady state (${label}): baton.timers.metricsSnapshot()`,
    `fired ${fmt(snapshot.fired)}, p50 ${snapshot.lateness.p50Ms === null ? 'null' : `≤ ${snapshot.lateness.p50Ms} ms`}, p99 ${snapshot.lateness.p99Ms === null ? 'null' : `≤ ${snapshot.lateness.p99Ms} ms`}`,
    `${fmt(check.committedAt.length)} timer.fired events, ${fmt(check.scheduledAtNull)} with scheduledAt null`,
  );
  row(
    `Steady state (${label}): checks`,
    `fired ${fmt(check.committedAt.length)}/${fmt(ids.length)}, fired twice ${check.twice}, jobs left ${left}, escalated ${fmt(escalation.escalated)} (escalatedFrom set on ${fmt(escalation.withEscalatedFrom)}); jobs delivered more than once ${duplicates}`,
  );
  verdicts.push(`Steady-state lateness p99 ≤ 1 s (${label}): ${p99 <= 1000 && check.never === 0 ? 'MET' : 'NOT MET'} (p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms, max ${fmt(max)} ms)`);
  if (check.never > 0 || check.twice > 0 || left > 0 || failures > 0) {
    problems.push(`Steady state (${label}): ${check.never} timers never fired, ${check.twice} fired twice, ${left} jobs left, ${failures} starts failed.`);
  }
  bookkeepingProblem(`Steady state (${label})`, check, snapshot.fired, escalation);
  await closeBaton(running, label);
}

// ---------------------------------------------------------------------------------------------
// 5. Burst

async function burstPhase(file: string, apiPerSec: number): Promise<void> {
  const running = await openBaton(file, DEFAULT_PROCESS_EVERY_MS);
  const { baton, store } = running;
  // Due far enough ahead that every instance is created (and committed) before its timer is due.
  const leadMs = (BURST_API / (apiPerSec * 0.5)) * 1000 + ((BURST - BURST_API) / 1000) * 1000 + 10_000;
  const dueSecond = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  log(
    `5. burst: ${fmt(BURST)} timers of ${BURST_KEY} due within the second ${new Date(dueSecond).toISOString()} ` +
      `(agenda processEvery ${DEFAULT_PROCESS_EVERY_MS} ms, ${fmt(await store.timers.count())} timers pending)`,
  );
  const apiIds: string[] = [];
  const createMs = await inLanes(BURST_API, 10, 'burst instances started', async (i) => {
    const followUpAt = new Date(dueSecond + Math.floor((i * 1000) / BURST_API)).toISOString();
    const { instance } = await baton.instances.start({ processKey: BURST_KEY, variables: { followUpAt }, businessKey: null }, 'bench');
    apiIds.push(instance.id);
  });
  const c0 = performance.now();
  const ids = [...apiIds, ...cloneInstances(store, apiIds, BURST - BURST_API, 'burst clones')];
  const cloneMs = performance.now() - c0;
  const createdAt = Date.now();
  const due = dueTimes(store, ids);
  const dueValues = [...due.values()];
  log(
    `  ${fmt(BURST_API)} started through the API in ${secs(createMs)}, ${fmt(BURST - BURST_API)} cloned in ${secs(cloneMs)}; ${secs(dueSecond - createdAt)} before the due second; ` +
      `${fmt(due.size)} jobs due between +${minOf(dueValues) - dueSecond} and +${maxOf(dueValues) - dueSecond} ms`,
  );
  if (createdAt >= dueSecond - 6000) problems.push(`Burst: creating the instances ended ${secs(createdAt - dueSecond)} relative to the due second; the burst figure is not clean.`);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  await sleep(dueSecond - Date.now() - 6000);
  resetPolls(running.poll);
  running.pickupLateMs.length = 0;
  running.deliveries.clear();
  loopDelay.enable();
  const burstSet = new Set(ids);
  let escalated = 0;
  onEscalation(baton, (instanceId) => {
    if (burstSet.has(instanceId)) escalated += 1;
  });
  const giveUp = dueSecond + BURST_GIVE_UP_MS;
  let lastReport = 0;
  while (escalated < BURST && Date.now() < giveUp) {
    await sleep(200);
    if (Date.now() - lastReport >= 5000) {
      lastReport = Date.now();
      log(
        `  ${secs(Date.now() - dueSecond)} after the due second: escalated ${fmt(escalated)}/${fmt(BURST)}; ${fmt(running.poll.calls)} claims, ` +
          `${fmt(running.deliveries.size)} jobs delivered, ${running.poll.livelocks.length} endless fills ended`,
      );
    }
  }
  loopDelay.disable();
  const byAgenda = escalated;
  const agendaEndedAt = Date.now();
  const livelocks = [...running.poll.livelocks];
  const poll = { ...running.poll };
  const deliveries = [...running.deliveries.values()];
  const pickup = [...running.pickupLateMs];

  // What agenda left (if anything) is fired by one run of the safety sweep, to show nothing was lost.
  let sweptMs = 0;
  let swept = 0;
  if (byAgenda < BURST) {
    log(`  agenda fired ${fmt(byAgenda)}/${fmt(BURST)} within ${secs(BURST_GIVE_UP_MS)}; stopping agenda and running the safety sweep once for the rest`);
    await baton.agendaTimers!.stop();
    const s0 = performance.now();
    swept = await baton.scheduler.tick();
    sweptMs = performance.now() - s0;
  }

  const snapshot = await baton.timers.metricsSnapshot();
  const check = checkFirings(firedEvents(store, ids), due);
  const left = jobsLeft(store, ids);
  const escalation = escalationCheck(store, ids);
  const byAgendaCommits = check.committedAt.filter((at) => at <= agendaEndedAt);
  const lastFired = maxOf(byAgendaCommits);
  const firstFired = minOf(byAgendaCommits);
  const complete = byAgenda >= BURST;
  const burstMs = complete ? lastFired - dueSecond : agendaEndedAt - dueSecond;
  const totalDeliveries = deliveries.reduce((a, b) => a + b, 0);
  const duplicateDeliveries = deliveries.filter((n) => n > 1).length;
  const pollMsEach = poll.totalMs / Math.max(1, poll.calls);
  log(
    `  fired ${check.committedAt.length}/${BURST} (never ${check.never}, twice ${check.twice}); jobs left ${left}; escalated ${escalation.escalated}; ` +
      `by agenda ${fmt(byAgenda)}, first ${secs(firstFired - dueSecond)} and last ${secs(lastFired - dueSecond)} after the due second; by the sweep ${fmt(swept)} in ${secs(sweptMs)}`,
  );
  log(
    `  scheduler: ${fmt(totalDeliveries)} claimed jobs of ${fmt(deliveries.length)} (${duplicateDeliveries} claimed more than once); ` +
      `${fmt(poll.calls)} claims, ${secs(poll.totalMs)} in all (${fmt(pollMsEach, 2)} ms each), longest chain ${secs(poll.longestChainMs)} over ${fmt(poll.longestChainCalls)} claims without yielding; ` +
      `endless fills ended by the benchmark: ${livelocks.map((l) => `after ${secs(l.chainMs)}, ${fmt(l.calls)} calls, ${fmt(l.distinct)} distinct jobs`).join('; ') || 'none'}; event-loop delay max ${fmt(loopDelay.max / 1e6)} ms`,
  );
  row(
    `Burst: ${fmt(BURST)} timers due in one second, due second → last fired by agenda`,
    complete
      ? `${secs(burstMs)} (${fmt((BURST * 1000) / burstMs)} timers/s); first fired ${secs(firstFired - dueSecond)} after the due second`
      : `not done: ${fmt(byAgenda)}/${fmt(BURST)} fired after ${secs(burstMs)} (${fmt((byAgenda * 1000) / burstMs)} timers/s); first fired ${secs(firstFired - dueSecond)} after the due second; the safety sweep then fired ${fmt(swept)} in ${secs(sweptMs)}`,
  );
  row(
    'Burst: lateness firedAt − due time, p50 / p99 / max',
    `${secs(percentile(check.lateness, 0.5))} / ${secs(percentile(check.lateness, 0.99))} / ${secs(maxOf(check.lateness))}`,
    `pick-up (job claimed − due) p50 / p99 / max ${secs(percentile(pickup, 0.5))} / ${secs(percentile(pickup, 0.99))} / ${secs(maxOf(pickup))}`,
  );
  row(
    'Burst: claiming due jobs (timerJobs.claimDue, a batch per call)',
    `${fmt(poll.calls)} calls, ${secs(poll.totalMs)} in all (${fmt(pollMsEach, 2)} ms each); longest fill without yielding ${secs(poll.longestChainMs)} (${fmt(poll.longestChainCalls)} calls); ` +
      `fills that re-locked their own expired jobs (ended by the benchmark): ${livelocks.length}`,
    `event-loop delay max ${fmt(loopDelay.max / 1e6)} ms`,
  );
  row(
    'Burst: checks',
    `fired ${fmt(check.committedAt.length)}/${fmt(BURST)}, fired twice ${check.twice}, baton.timer jobs left ${left}, escalated ${fmt(escalation.escalated)}/${fmt(BURST)} (escalatedFrom set on ${fmt(escalation.withEscalatedFrom)}); ` +
      `claimed ${fmt(totalDeliveries)} (${duplicateDeliveries} jobs more than once); metricsSnapshot fired ${fmt(snapshot.fired)}`,
  );
  const allFired = check.never === 0 && check.twice === 0 && left === 0 && escalation.escalated === BURST;
  verdicts.push(`Burst of ${fmt(BURST)}: every timer fired once, no job left, every instance escalated: ${allFired ? 'MET' : 'NOT MET'}${complete ? '' : " (with the safety sweep's help)"}`);
  verdicts.push(
    `Burst of ${fmt(BURST)} fired by agenda ≤ 60 s after the due second: ${complete && burstMs <= 60_000 ? 'MET' : 'NOT MET'} (${complete ? secs(burstMs) : `${fmt(byAgenda)} fired in ${secs(burstMs)}`})`,
  );
  if (livelocks.length > 0) {
    problems.push(
      `Burst: agenda's queue fill ran past the ${LOCK_LIFETIME_MS / 1000} s lock lifetime and began re-locking its own expired jobs instead of yielding ` +
        `(${livelocks.map((l) => `after ${secs(l.chainMs)}: ${fmt(l.calls)} calls, ${fmt(l.distinct)} distinct jobs`).join('; ')}); the benchmark ended ${livelocks.length === 1 ? 'that fill' : 'those fills'}, otherwise the event loop would stay blocked.`,
    );
  }
  if (!allFired) {
    problems.push(`Burst: ${check.never} timers never fired, ${check.twice} fired twice, ${left} jobs left, ${BURST - escalation.escalated} instances not escalated.`);
  }
  bookkeepingProblem('Burst', check, snapshot.fired, escalation);

  const l2Tasks = escalation.l2Tasks;
  log(`5. baseline: completing the ${fmt(l2Tasks.length)} escalated L2 tasks through baton.tasks.complete, ${TIMER_CONCURRENCY} in flight (the scheduler's timer steps in flight)`);
  const completeMs = await inLanes(l2Tasks.length, TIMER_CONCURRENCY, 'completed', async (i) => {
    await baton.tasks.complete(l2Tasks[i]!, {}, 'bench');
  });
  row(
    `Burst vs. the same number of task completions (baton.tasks.complete, ${TIMER_CONCURRENCY} in flight)`,
    `burst ${secs(burstMs)}${complete ? '' : ' (not done)'}`,
    `${fmt(l2Tasks.length)} completions in ${secs(completeMs)} (${fmt((l2Tasks.length * 1000) / completeMs)}/s); burst ÷ baseline = ${fmt(burstMs / completeMs, 2)}×`,
  );
  await closeBaton(running, 'burst');
}

// ---------------------------------------------------------------------------------------------

function machine(): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKb = Number(/^MemTotal:\s*(\d+)/m.exec(meminfo)?.[1] ?? 0);
  return `nproc ${cpus().length}, CPU ${model}, memory ${fmt(memKb / 1024 / 1024, 1)} GiB, Node ${process.version}, ${new Date().toISOString()}`;
}

async function main(): Promise<void> {
  log(`timer benchmark: ${machine()}`);
  log(
    `pending ${fmt(PENDING)} (API ${fmt(API_STARTS)}), stream ${STREAM_RATE}/s × ${STREAM_SECONDS} s (as shipped ${SHIPPED_STREAM_SECONDS} s), burst ${fmt(BURST)} (API ${fmt(BURST_API)}), ANALYZE ${ANALYZE ? 'on' : 'off'}`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-bench-timers-'));
  const file = path.join(dir, 'baton.db');
  const emptyFile = path.join(dir, 'empty.db');
  try {
    const { apiPerSec } = await fillStore(file);
    await measureStartup(file, emptyFile);
    const { lookupMs } = await asShipped(file);
    if (SHIPPED_STREAM_SECONDS > 0) await streamPhase(file, DEFAULT_PROCESS_EVERY_MS, SHIPPED_STREAM_SECONDS, 'as shipped');
    const tag = ANALYZE ? 'after ANALYZE' : 'as shipped';
    if (ANALYZE) await analyze(file, lookupMs);
    await streamPhase(file, DEFAULT_PROCESS_EVERY_MS, STREAM_SECONDS, tag);
    await streamPhase(file, 1000, STREAM_SECONDS, tag);
    if (BURST > 0) await burstPhase(file, apiPerSec);
  } finally {
    if (process.env['BENCH_TIMERS_KEEP']) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\nTimer benchmark — ${machine()}; took ${secs(performance.now() - began)}\n`);
  console.log('| Figure | Value | Baseline (same run) |');
  console.log('| --- | --- | --- |');
  for (const entry of table) console.log(`| ${entry.figure} | ${entry.value} | ${entry.baseline} |`);
  console.log('\nTargets:');
  for (const verdict of verdicts) console.log(`- ${verdict}`);
  console.log(problems.length ? `\nProblems:\n${problems.map((p) => `- ${p}`).join('\n')}` : '\nNo problem found.');
}

if (process.argv[2] === '--startup-child') {
  await startupChild(process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  await main();
}
