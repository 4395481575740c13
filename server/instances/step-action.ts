import type { AuditEventInput } from '../audit/audit-event.js';
import type { CustomerUpload } from '../customer/customer.js';
import type { TaskRecord } from '../tasks/task.js';
import type { IncidentRecord, InstanceRecord } from './instance.js';

/** What moves an existing instance one step. */
export type StepAction =
  /** `taskVersion`: the version the caller's checks (owner, form) ran against; a task changed since is refused. */
  /** `uploads`: the customer's files the output references, stored with the step (none if it is refused). */
  | { kind: 'complete-task'; taskId: string; output: Record<string, unknown>; actor: string; taskVersion?: number; uploads?: CustomerUpload[] }
  /** A due timer; `force` fires it now whatever its due time (an operator testing a process). */
  | { kind: 'timer'; timerId: string; force?: boolean; actor?: string; reason?: string }
  | { kind: 'reschedule-timer'; timerId: string; dueAt: Date; reason: string; actor: string }
  | { kind: 'message'; executionId: string; messageName: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'cancel'; actor: string; reason: string }
  | { kind: 'retry'; incidentId: string; actor: string; reason?: string }
  /** External task workers (external-tasks/): complete, BPMN error, failure (retries left, else an incident). */
  | { kind: 'external-complete'; executionId: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'external-error'; executionId: string; errorCode: string; errorMessage: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'external-failure'; executionId: string; errorMessage: string; retries: number; retryTimeoutMs: number; actor: string }
  /** A call activity's child instance was started (calls/call.service.ts): recorded with the parent, for replay. */
  | { kind: 'external-linked'; executionId: string; childInstanceId: string; childTicket: string; childProcessKey: string; actor: string }
  /** Adds an event to the instance's log without moving it (a child instance notes the call that started it). */
  | { kind: 'annotate'; event: AuditEventInput; actor: string }
  /** A person ends a user task with a BPMN error, caught by the task's boundary events. */
  | { kind: 'task-error'; taskId: string; errorCode: string; reason: string; actor: string }
  /** A person raises an escalation caught by the escalation boundary event `boundaryId` on the task. */
  | { kind: 'task-escalation'; taskId: string; boundaryId: string; escalationId: string | null; escalationCode: string | null; reason: string; actor: string }
  /**
   * A person passes a task up the way the diagram escalates it: its interrupting boundary timer
   * fires now, so the ticket moves to the next level's step (with that step's own SLA) and the
   * old level's timer can never take it from its new owner. A noop when the task has no such timer.
   */
  /** `toDepartment`: the level the person passes it to; a timer leading elsewhere is not this pass-up. */
  | { kind: 'pass-up'; taskId: string; actor: string; reason: string; taskVersion?: number; toDepartment?: string };

export interface StepResult {
  instance: InstanceRecord;
  /** Tasks this step opened. */
  opened: TaskRecord[];
  /** Every task record the step wrote (opened, completed, cancelled, changed): no second read needed. */
  tasks: TaskRecord[];
  /** Set when the step could not run and an incident was raised instead. */
  incident: IncidentRecord | null;
  /** True when there was nothing to do (a timer that already fired, for instance). */
  noop: boolean;
}

export function noop(instance: InstanceRecord): StepResult {
  return { instance, opened: [], tasks: [], incident: null, noop: true };
}
