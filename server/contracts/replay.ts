/**
 * Wire contracts of `GET /api/instances/:id/replay`, shared with the browser's replay viewer (which
 * imports the types only). The state at a step is what `foldAudit` computes from the events.
 */
import { z } from 'zod';

import type { AuditVerification } from './audit.js';

/** `?step=n`: the state after event n (default the last). */
export const replayQuerySchema = z.object({ step: z.coerce.number().int().min(0).optional() }).strict();

/** A token: an activity run that has started and not yet left. */
export interface ReplayToken {
  executionId: string;
  elementId: string;
  type: string;
  /** When it arrived (the `at` of its `activity.entered`). */
  since: string;
}

export interface ReplayTask {
  taskId: string;
  elementId: string | null;
  status: 'open' | 'completed' | 'cancelled';
  /** Who owns it: the task's assignee, or whoever claimed / was handed it since. */
  owner: string | null;
  department: string | null;
  candidateGroups: string[];
  createdAt: string;
  endedAt: string | null;
  completedBy: string | null;
}

export interface ReplayTimer {
  /** The timer's own execution id (as in `timer.scheduled`). */
  executionId: string;
  elementId: string | null;
  dueAt: string;
  scheduledAt: string;
}

export interface ReplayIncident {
  incidentId: string;
  elementId: string | null;
  kind: string;
  message: string;
  raisedAt: string;
}

export interface ReplayVariableChange {
  name: string;
  kind: 'added' | 'changed' | 'removed';
  from?: unknown;
  to?: unknown;
}

/** The instance as it stood right after event `step` (0: before the first event). */
export interface ReplayState {
  step: number;
  /** `at` of event `step`; null at step 0. */
  at: string | null;
  status: 'not-started' | 'running' | 'completed' | 'cancelled';
  /** Where the tokens are. */
  active: ReplayToken[];
  /** Element id → how many of its runs completed so far. */
  completed: Record<string, number>;
  /** Element id → milliseconds its runs took so far (a run still active counts up to `at`). */
  timeSpent: Record<string, number>;
  /** Every task opened so far, with its owner at this step. */
  tasks: ReplayTask[];
  /** Timers pending at this step. */
  timers: ReplayTimer[];
  /** Incidents open at this step. */
  incidents: ReplayIncident[];
  variables: Record<string, unknown>;
  /** What event `step` changed in the variables (empty when it changed none). */
  variablesDiff: ReplayVariableChange[];
}

/** One line of the timeline: an audit event as stored (hashes included, for the auditor). */
export interface ReplayEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  elementId: string | null;
  data: Record<string, unknown>;
  hash: string;
}

export interface ReplayPayload {
  instance: { id: string; ticketNumber: string; processKey: string; status: string; startedAt: string; endedAt: string | null };
  /** The definition version the instance ran: the viewer loads exactly this diagram. */
  definition: { id: string; key: string; version: number; xmlUrl: string };
  verification: Pick<AuditVerification, 'valid' | 'firstInvalid' | 'checkpoint'>;
  events: ReplayEvent[];
  /** The state after event `step` (the query's `step`, default the last event). */
  state: ReplayState;
}

/** `GET /api/instances/:id/audit/verify` as the browser reads it (the server's `AuditVerification`). */
export type ReplayVerification = AuditVerification;
