/**
 * What a step does to the instance's external tasks, computed from the engine run (which service
 * tasks still wait for a worker) and the stored rows: open new ones, close the ones that stopped
 * waiting, record a worker's failure (no retries left: an incident), reopen one whose incident is
 * retried. The runner writes the result with the step, in its transaction.
 */
import { randomUUID } from 'node:crypto';

import type { AuditEventInput } from '../audit/audit-event.js';
import type { ExternalWait } from '../engine/step-run.js';
import type { IncidentRecord, InstanceRecord } from '../instances/instance.js';
import type { ExternalTaskRecord } from './external-task.js';

/** A worker's failure report, applied in the step that records it. */
export interface ExternalFailure {
  executionId: string;
  errorMessage: string;
  retries: number;
  retryTimeoutMs: number;
  actor: string;
}

export interface ExternalChanges {
  rows: ExternalTaskRecord[];
  audit: AuditEventInput[];
  incidents: IncidentRecord[];
  /** executionIds whose service incident this step resolves (the task is with the workers again, or done). */
  reopened: Set<string>;
}

export interface ExternalStepInput {
  instance: Pick<InstanceRecord, 'id' | 'processKey' | 'ticketNumber' | 'businessKey'>;
  waits: readonly ExternalWait[];
  existing: readonly ExternalTaskRecord[];
  /** The action completed or failed this run. */
  completed: string | null;
  failure: ExternalFailure | null;
  /** The incident an admin retried in this step, if any. */
  retried: IncidentRecord | null;
  /** A call's child instance, started for the call of `executionId` (recorded with this step). */
  linked: { executionId: string; childInstanceId: string } | null;
  now: Date;
}

const LIVE = new Set<ExternalTaskRecord['status']>(['open', 'incident']);

export function externalTaskChanges(input: ExternalStepInput): ExternalChanges {
  const at = input.now.toISOString();
  const result: ExternalChanges = { rows: [], audit: [], incidents: [], reopened: new Set() };
  const live = new Map(input.existing.filter((row) => LIVE.has(row.status)).map((row) => [row.executionId, row]));
  const waiting = new Set(input.waits.map((wait) => wait.executionId));

  for (const wait of input.waits) {
    const row = live.get(wait.executionId);
    if (row === undefined) {
      const created = newRow(input, wait, at);
      result.rows.push(created);
      result.audit.push({ type: 'external-task.created', actor: 'system', elementId: wait.elementId, data: { externalTaskId: created.id, executionId: wait.executionId, topic: wait.topic } });
      continue;
    }
    const failure = input.failure?.executionId === wait.executionId ? input.failure : null;
    if (input.linked?.executionId === wait.executionId) {
      result.rows.push({ ...row, childInstanceId: input.linked.childInstanceId, updatedAt: at });
    } else if (failure) {
      failed(result, row, failure, input, at);
    } else if (row.status === 'incident' && input.retried?.executionId === row.executionId) {
      // Camunda's "set retries to 1": the workers get the task once more.
      // A call starts a new child instance (the old one failed or was cancelled).
      result.rows.push({ ...row, status: 'open', retries: 1, workerId: null, lockExpiresAt: null, availableAt: null, childInstanceId: null, updatedAt: at });
      result.reopened.add(row.executionId);
      result.audit.push({ type: 'external-task.reopened', actor: 'system', elementId: row.elementId, data: { externalTaskId: row.id, topic: row.topic } });
    }
  }
  for (const row of live.values()) {
    if (waiting.has(row.executionId)) continue;
    const closed: ExternalTaskRecord = { ...row, status: row.executionId === input.completed ? 'completed' : 'cancelled', workerId: null, lockExpiresAt: null, updatedAt: at };
    result.rows.push(closed);
    // A call whose child answered after raising an incident here: done, so is the incident.
    if (closed.status === 'completed' && row.status === 'incident') result.reopened.add(row.executionId);
    if (closed.status === 'cancelled') {
      result.audit.push({ type: 'external-task.cancelled', actor: 'system', elementId: row.elementId, data: { externalTaskId: row.id, topic: row.topic } });
    }
  }
  return result;
}

function newRow(input: ExternalStepInput, wait: ExternalWait, at: string): ExternalTaskRecord {
  return {
    id: `${input.instance.id}:${wait.executionId}`,
    instanceId: input.instance.id,
    executionId: wait.executionId,
    elementId: wait.elementId,
    topic: wait.topic,
    processKey: input.instance.processKey,
    ticketNumber: input.instance.ticketNumber,
    businessKey: input.instance.businessKey,
    status: 'open',
    kind: wait.kind,
    childInstanceId: null,
    input: wait.input,
    headers: wait.headers,
    retries: null,
    errorMessage: null,
    workerId: null,
    lockExpiresAt: null,
    availableAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

function failed(result: ExternalChanges, row: ExternalTaskRecord, failure: ExternalFailure, input: ExternalStepInput, at: string): void {
  const retries = Math.max(0, failure.retries);
  const retryAt = retries > 0 ? new Date(input.now.getTime() + failure.retryTimeoutMs).toISOString() : null;
  result.rows.push({
    ...row,
    status: retries > 0 ? 'open' : 'incident',
    retries,
    errorMessage: failure.errorMessage,
    workerId: null,
    lockExpiresAt: null,
    availableAt: retryAt,
    updatedAt: at,
  });
  result.audit.push({
    type: 'external-task.failed',
    actor: failure.actor,
    elementId: row.elementId,
    data: { externalTaskId: row.id, topic: row.topic, errorMessage: failure.errorMessage, retries, retryAt },
  });
  if (retries > 0) return;
  const incident: IncidentRecord = {
    id: randomUUID(),
    instanceId: row.instanceId,
    elementId: row.elementId,
    message: `${row.elementId}: the worker for topic '${row.topic}' failed with no retries left: ${failure.errorMessage}`,
    kind: 'service',
    executionId: row.executionId,
    retry: { kind: 'resume' },
    status: 'open',
    createdAt: at,
    resolvedAt: null,
  };
  result.incidents.push(incident);
  result.audit.push({ type: 'incident.raised', actor: 'system', elementId: row.elementId, data: { incidentId: incident.id, kind: 'service', message: incident.message } });
}
