import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { pino } from 'pino';

import { auditKeyOf } from '../../server/audit/audit-key.js';
import { createBaton, type Baton } from '../../server/baton.js';
import type { ResidentEnginesOptions } from '../../server/engine/resident-engines.js';
import type { TrustProxy } from '../../server/http/trust-proxy.js';
import { ManualClock, systemClock, type Clock } from '../../server/clock.js';
import { seedDepartments } from '../../server/departments/seed-departments.js';
import type { MailTransport } from '../../server/outbox/mail-transport.js';
import type { Role } from '../../server/users/user.js';
import { openStore } from '../../server/stores/open-store.js';
import { freshSchema, testDatabaseUrl } from './postgres.js';

/** `C` is ManualClock unless the Baton was started with `clock: 'system'`. */
export interface TestBaton<C extends Clock = ManualClock> extends Baton {
  clock: C;
  dir: string;
  file: string;
  /** Closes this Baton and opens a new one on the same database file (a restart). */
  restart(): Promise<TestBaton<C>>;
  close(): Promise<void>;
}

/** One key for every test Baton, so checkpoints still verify after a restart on the same file. */
export const testAuditKeySecret = 'baton-test-audit-key-0123456789abcdef';
export const testAuditKey = auditKeyOf(testAuditKeySecret);
/** The administrator every test Baton has. */
export const TEST_ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
/** Password of every user tests create with `addUser`. */
export const TEST_PASSWORD = 'staff-password-for-tests';

export const silentLogger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** Settings of every test Baton: bcrypt's lowest cost, since tests sign in hundreds of times. */
export const TEST_CONFIG = {
  timerPollMs: 50,
  webhook: { timeoutMs: 2000, attempts: 2, backoffMs: 10 },
  auth: { sessionTtlMs: 3_600_000, tokenTtlMs: 3_600_000, passwordCost: 4 },
  /** Four-eyes on interventions (BATON_FOUR_EYES); its own tests turn it on. */
  fourEyes: false,
};

/** Creates TEST_ADMIN unless the store already has it (a restart on the same file). */
export async function seedTestAdmin(baton: Baton): Promise<void> {
  if ((await baton.store.users.getByUsername(TEST_ADMIN.username)) === null) {
    await baton.users.create({ ...TEST_ADMIN, role: 'admin', departments: [], skills: [] });
  }
}

export interface TestBatonOptions {
  dir?: string;
  mailTransport?: MailTransport;
  auditAnchorFile?: string;
  /** BATON_AUDIT_WITNESS_URL of this Baton. */
  auditWitnessUrl?: string;
  /** BATON_AUDIT_WITNESS_EMAIL of this Baton (needs mailTransport). */
  auditWitnessEmail?: string;
  /** Default 60 s; Baton's own default is 5 min. */
  checkpointMs?: number;
  /**
   * PostgreSQL instead of a SQLite file: `{ url, schema }` (two Batons given the same are two nodes
   * on one database). Default: SQLite, or a fresh schema on the test PostgreSQL when
   * BATON_TEST_STORE=postgres.
   */
  postgres?: { url: string; schema: string };
  /** Replaces top-level TEST_CONFIG settings; `trustProxy` as BATON_TRUST_PROXY parses it. */
  config?: Partial<typeof TEST_CONFIG> & { trustProxy?: TrustProxy; residentEngines?: ResidentEnginesOptions };
}

/**
 * A real Baton on a real SQLite file in a temp dir, with a clock the test moves (or, with
 * `clock: 'system'`, the real one).
 */
export function startTestBaton(options?: TestBatonOptions & { clock?: ManualClock }): Promise<TestBaton>;
export function startTestBaton(options: TestBatonOptions & { clock: 'system' }): Promise<TestBaton<Clock>>;
export function startTestBaton(options: TestBatonOptions & { clock?: ManualClock | 'system' } = {}): Promise<TestBaton<Clock>> {
  return openTestBaton(options);
}

async function openTestBaton(options: TestBatonOptions & { clock?: ManualClock | 'system' }): Promise<TestBaton<Clock>> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'baton-test-'));
  const file = path.join(dir, 'baton.db');
  const chosen = options.clock ?? new ManualClock();
  const clock = chosen === 'system' ? systemClock : chosen;
  const postgres = options.postgres ?? (process.env['BATON_TEST_STORE'] === 'postgres' ? { url: await testDatabaseUrl(), schema: freshSchema() } : undefined);
  const store = postgres
    ? await openStore({ database: { kind: 'postgres', url: postgres.url, poolSize: 5 } }, { schema: postgres.schema })
    : await openStore({ database: { kind: 'sqlite', file } });
  await seedDepartments(store.departments);
  const baton = createBaton({
    store,
    logger: silentLogger,
    clock,
    config: { ...TEST_CONFIG, ...options.config },
    version: 'test',
    mailTransport: options.mailTransport,
    audit: { key: testAuditKey, checkpointMs: options.checkpointMs ?? 60_000, anchorFile: options.auditAnchorFile ?? null, witnessUrl: options.auditWitnessUrl ?? null, witnessEmail: options.auditWitnessEmail ?? null },
  });
  await seedTestAdmin(baton);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await baton.shutdown();
  };
  return {
    ...baton,
    clock,
    dir,
    file,
    close,
    async restart() {
      await close();
      // The same clock again: the manual one keeps its time across the restart.
      return openTestBaton({ ...options, dir, clock: chosen, ...(postgres ? { postgres } : {}) });
    },
  };
}

/** A user with TEST_PASSWORD. */
export async function addUser(baton: Baton, username: string, role: Role, departments: string[] = [], skills: string[] = []) {
  return baton.users.create({ username, password: TEST_PASSWORD, role, departments, skills });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** start → one user task (department l1) → end: the smallest process with a step to take. */
export function userTaskProcess(processId: string): string {
  return bpmn(
    processId,
    `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:userTask id="t" name="Handle" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
  );
}

/** A minimal executable process around the given BPMN body, with a layout-free diagram. */
export function bpmn(processId: string, body: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${processId}" targetNamespace="http://baton.test">
  <bpmn:process id="${processId}" name="${processId}" isExecutable="true">
${body}
  </bpmn:process>
${extra}
</bpmn:definitions>`;
}

/**
 * start → one user task → end. `attributes` go on the task; `properties` become its
 * camunda:properties (routing rules).
 */
export function oneTaskProcess(processId: string, attributes: string, properties: Record<string, string> = {}): string {
  const props = Object.entries(properties)
    .map(([name, value]) => `<camunda:property name="${name}" value="${value}" />`)
    .join('');
  const extension = props ? `<bpmn:extensionElements><camunda:properties>${props}</camunda:properties></bpmn:extensionElements>` : '';
  return bpmn(
    processId,
    `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
     <bpmn:userTask id="work" name="Work" ${attributes}>${extension}</bpmn:userTask>
     <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" /><bpmn:endEvent id="end" />`,
  );
}
