import { rmSync } from 'node:fs';

import { pino } from 'pino';

import { auditKeyOf } from '../../server/audit/audit-key.js';
import type { Baton } from '../../server/baton.js';
import type { Clock, ManualClock } from '../../server/clock.js';
import type { Role } from '../../server/users/user.js';

/** The Baton of a test server (test-server.ts). `C` is ManualClock unless it was started with `clock: 'system'`. */
export interface TestBaton<C extends Clock = ManualClock> extends Baton {
  clock: C;
  dir: string;
  file: string;
  /** Closes this Baton's server and opens a new one on the same database (a restart); returns the new Baton. */
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
