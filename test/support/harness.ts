import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { pino } from 'pino';

import { auditKeyOf } from '../../server/audit/audit-key.js';
import { createBaton, type Baton } from '../../server/baton.js';
import { ManualClock } from '../../server/clock.js';
import { seedDepartments } from '../../server/departments/seed-departments.js';
import type { MailTransport } from '../../server/outbox/mail-transport.js';
import { openSqliteStore } from '../../server/stores/sqlite/sqlite-store.js';

export interface TestBaton extends Baton {
  clock: ManualClock;
  dir: string;
  file: string;
  /** Closes this Baton and opens a new one on the same database file (a restart). */
  restart(): Promise<TestBaton>;
  close(): Promise<void>;
}

/** One key for every test Baton, so checkpoints still verify after a restart on the same file. */
export const testAuditKeySecret = 'baton-test-audit-key-0123456789abcdef';
export const testAuditKey = auditKeyOf(testAuditKeySecret);

export const silentLogger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** A real Baton on a real SQLite file in a temp dir, with a clock the test moves. */
export async function startTestBaton(
  options: { dir?: string; clock?: ManualClock; mailTransport?: MailTransport; auditAnchorFile?: string } = {},
): Promise<TestBaton> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'baton-test-'));
  const file = path.join(dir, 'baton.db');
  const clock = options.clock ?? new ManualClock();
  const store = openSqliteStore(file);
  await seedDepartments(store.departments);
  const baton = createBaton({
    store,
    logger: silentLogger,
    clock,
    config: { timerPollMs: 50, webhook: { timeoutMs: 2000, attempts: 2, backoffMs: 10 } },
    version: 'test',
    mailTransport: options.mailTransport,
    audit: { key: testAuditKey, checkpointMs: 60_000, anchorFile: options.auditAnchorFile ?? null },
  });
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
      return startTestBaton({ ...options, dir, clock });
    },
  };
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
