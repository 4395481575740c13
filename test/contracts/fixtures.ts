import type { AuditEvent } from '../../server/audit/audit-event.js';
import type { CredentialRecord } from '../../server/auth/credential.js';
import type { DefinitionRecord } from '../../server/definitions/definition.js';
import type { DepartmentRecord } from '../../server/departments/department.js';
import type { IncidentRecord, InstanceRecord, MessageSubscription } from '../../server/instances/instance.js';
import type { OutboxMessage } from '../../server/outbox/outbox-message.js';
import type { StepWrite, Store } from '../../server/stores/store.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import type { TimerRecord } from '../../server/timers/timer.js';
import type { UserRecord } from '../../server/users/user.js';

/** Valid records for contract tests; every builder takes overrides for what a test cares about. */

let counter = 0;

/** Unique across the whole test run, so suites sharing one database never collide. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

const T0 = Date.parse('2026-03-02T08:00:00.000Z');

/** A fixed instant `minutes` after the fixtures' epoch, as the ISO text records carry. */
export function isoAt(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString();
}

export function makeDefinition(overrides: Partial<DefinitionRecord> = {}): DefinitionRecord {
  const key = overrides.key ?? 'helpdesk';
  const version = overrides.version ?? 1;
  return {
    id: `${key}:${version}`,
    key,
    version,
    name: 'Help desk',
    xml: `<definitions id="${key}-${version}"/>`,
    hash: `hash-${key}-${version}`,
    ticketPrefix: 'HD',
    startMessages: [],
    startTimers: [],
    deployedAt: isoAt(version),
    warnings: [],
    ...overrides,
  };
}

export function makeInstance(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const id = overrides.id ?? uniqueId('instance');
  return {
    id,
    definitionId: 'helpdesk:1',
    processKey: 'helpdesk',
    definitionVersion: 1,
    ticketNumber: `T-${id}`,
    businessKey: null,
    status: 'running',
    variables: { customer: 'Ada', items: [1, 2], nested: { vip: true } },
    state: { definitions: [{ id: 'helpdesk', status: 'executing' }], instanceId: id },
    engineVersion: '25.0.1',
    version: 1,
    auditHead: { seq: 0, hash: '' },
    startedAt: isoAt(0),
    updatedAt: isoAt(0),
    endedAt: null,
    ...overrides,
  };
}

export function makeTask(instance: InstanceRecord, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: uniqueId('task'),
    instanceId: instance.id,
    ticketNumber: instance.ticketNumber,
    processKey: instance.processKey,
    definitionVersion: instance.definitionVersion,
    elementId: 'triage',
    name: 'Triage the request',
    status: 'open',
    department: 'first-line',
    candidateGroups: ['first-line', 'second-line'],
    candidateUsers: [],
    assignee: null,
    priority: 50,
    dueAt: isoAt(20 * 60),
    warnAt: isoAt(16 * 60),
    escalatedFrom: { taskId: 'earlier-task', elementId: 'l1', timerElementId: 'sla-20h', at: isoAt(0) },
    formKey: 'triage-form',
    createdAt: isoAt(1),
    endedAt: null,
    completedBy: null,
    output: null,
    version: 1,
    history: [{ action: 'routed', at: isoAt(1), by: 'system', department: 'first-line', assignee: null, reason: 'candidate group' }],
    routingReason: 'candidate group first-line',
    form: [{ id: 'summary', label: 'Summary', type: 'string', required: true, values: [] }],
    ...overrides,
  };
}

export function makeAuditEvent(instance: InstanceRecord, seq: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    instanceId: instance.id,
    seq,
    type: 'activity.entered',
    at: isoAt(seq),
    actor: 'system',
    elementId: 'triage',
    definitionId: instance.definitionId,
    data: { seq, detail: { note: `event ${seq}` } },
    prevHash: seq === 1 ? '' : `hash-${seq - 1}`,
    hash: `hash-${seq}`,
    ...overrides,
  };
}

export function makeTimer(instance: InstanceRecord, overrides: Partial<TimerRecord> = {}): TimerRecord {
  const executionId = overrides.executionId ?? uniqueId('timer-exec');
  return {
    id: `${instance.id}:${executionId}`,
    instanceId: instance.id,
    executionId,
    elementId: 'sla-20h',
    timerType: 'timeDuration',
    dueAt: isoAt(20 * 60),
    ...overrides,
  };
}

export function makeSubscription(instance: InstanceRecord, overrides: Partial<MessageSubscription> = {}): MessageSubscription {
  return {
    instanceId: instance.id,
    messageName: 'customer-replied',
    businessKey: instance.businessKey,
    elementId: 'wait-for-reply',
    executionId: uniqueId('sub-exec'),
    ...overrides,
  };
}

export function makeIncident(instance: InstanceRecord, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id: uniqueId('incident'),
    instanceId: instance.id,
    elementId: 'send-invoice',
    kind: 'service',
    message: 'mail server refused the connection',
    status: 'open',
    executionId: 'send-invoice_1',
    retry: { kind: 'resume' },
    createdAt: isoAt(5),
    resolvedAt: null,
    ...overrides,
  };
}

export function makeOutboxMessage(instance: InstanceRecord, overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: uniqueId('mail'),
    instanceId: instance.id,
    idempotencyKey: uniqueId('service-exec'),
    channel: 'email',
    payload: { to: 'ada@example.org', subject: 'Your ticket', lines: ['a', 'b'] },
    createdAt: isoAt(3),
    sentAt: null,
    attempts: 0,
    lastError: null,
    ...overrides,
  };
}

export function makeDepartment(overrides: Partial<DepartmentRecord> = {}): DepartmentRecord {
  return { id: uniqueId('dept'), name: 'First line', parentId: null, ...overrides };
}

type StepParts = Partial<Omit<StepWrite, 'instance' | 'expectedVersion'>>;

/** The step that creates `instance` (expectedVersion null); parts default to empty. */
export function newInstanceStep(instance: InstanceRecord, parts: StepParts = {}, ticket?: StepWrite['ticket']): StepWrite {
  return { ...emptyParts(), ...parts, instance, expectedVersion: null, ...(ticket ? { ticket } : {}) };
}

/** The step after `previous`: the instance one version on, with `changes` applied. */
export function nextStep(previous: InstanceRecord, parts: StepParts = {}, changes: Partial<InstanceRecord> = {}): StepWrite {
  const instance: InstanceRecord = {
    ...previous,
    updatedAt: isoAt(previous.version * 10),
    ...changes,
    version: previous.version + 1,
  };
  return { ...emptyParts(), ...parts, instance, expectedVersion: previous.version };
}

/** Commits a new instance (with `parts`) and returns it as stored. */
export async function startInstance(store: Store, overrides: Partial<InstanceRecord> = {}, parts: StepParts = {}): Promise<InstanceRecord> {
  const instance = makeInstance(overrides);
  await store.commitStep(newInstanceStep(instance, parts));
  return instance;
}

function emptyParts(): Omit<StepWrite, 'instance' | 'expectedVersion'> {
  return { tasks: [], audit: [], timers: [], subscriptions: [], incidents: [], outbox: [] };
}

/** Awaits `promise` expecting a rejection, and returns the error for the test to inspect. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = overrides.id ?? uniqueId('user');
  return {
    id,
    username: overrides.username ?? id,
    displayName: 'Ada Lovelace',
    role: 'staff',
    departments: ['first-line'],
    skills: ['networking'],
    disabled: false,
    passwordHash: '$2b$04$abcdefghijklmnopqrstuu5Jm9Tq3qKXh0v9n0mQkqU3yXq1u0lC2',
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
    ...overrides,
  };
}

export function makeCredential(user: UserRecord, overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  const id = overrides.id ?? uniqueId('credential');
  return {
    id,
    secretHash: `hash-of-${id}`,
    kind: 'session',
    userId: user.id,
    csrfToken: `csrf-${id}`,
    createdAt: isoAt(0),
    expiresAt: isoAt(60),
    ...overrides,
  };
}
