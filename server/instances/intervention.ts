import type { AuditEventInput } from '../audit/audit-event.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { StepRun, StepSnapshot } from '../engine/step-run.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';

const TASK_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);

/** An operator's change to an instance through the engine (InstanceRunner.intervene). */
export interface Intervention {
  actor: string;
  /** Audit events saved first, before what the engine did (the intervention itself, with its reason). */
  audit: AuditEventInput[];
  /** Changes the recovered (or restarted) engine: move a token, nothing for a plain migration. */
  drive: (run: StepRun) => Promise<void>;
  /** Recover into this version instead of the instance's own (a migration). */
  definition?: DefinitionRecord;
  /** A finished instance: start its diagram again at this activity, with its last variables. */
  restartAt?: string;
  /** The instance version the operator saw; another one is 409. */
  expectedVersion?: number;
  dryRun: boolean;
}

/** What an intervention does (or would do, in a dry run): the same shape either way. */
export interface InterventionPreview {
  /** Tokens taken away: activities that were running and are cancelled. */
  cancelled: { elementId: string; executionId: string }[];
  /** Open tasks that close. */
  tasksClosed: { taskId: string; elementId: string; name: string }[];
  /** User tasks that open (by element: their ids are given when they are saved). */
  tasksOpened: { elementId: string; name: string }[];
  /** Timers armed by the step, with their due time (SLA and escalation timers among them). */
  timersArmed: { elementId: string; dueAt: string }[];
  /** Pending timers that go away. */
  timersCancelled: { elementId: string; dueAt: string }[];
  /** Service tasks the step reaches (in a dry run they are not called). */
  services: string[];
  /** Where the instance ends up. */
  status: 'running' | 'completed' | 'cancelled';
}

/** The preview of a step from its run and snapshot, against what was open before it. */
export function previewOf(run: StepRun, snapshot: StepSnapshot, openTasks: TaskRecord[], pendingTimers: TimerRecord[]): InterventionPreview {
  const waiting = new Set(snapshot.waiting.map((api) => api.executionId));
  const known = new Set(openTasks.map((task) => task.id));
  const pending = new Set(pendingTimers.map((timer) => timer.executionId));
  const after = new Set(snapshot.timers.map((timer) => timer.executionId));
  return {
    cancelled: run.audit
      .filter((event) => event.type === 'activity.cancelled' && event.elementId !== null)
      .map((event) => ({ elementId: event.elementId ?? '', executionId: String(event.data['executionId'] ?? '') })),
    tasksClosed: openTasks.filter((task) => !waiting.has(task.id)).map((task) => ({ taskId: task.id, elementId: task.elementId, name: task.name })),
    tasksOpened: snapshot.waiting.filter((api) => TASK_TYPES.has(api.type) && !known.has(api.executionId)).map((api) => ({ elementId: api.id, name: api.owner.name ?? api.name ?? api.id })),
    timersArmed: snapshot.timers.filter((timer) => !pending.has(timer.executionId)).map((timer) => ({ elementId: timer.elementId, dueAt: timer.dueAt.toISOString() })),
    timersCancelled: pendingTimers.filter((timer) => !after.has(timer.executionId)).map((timer) => ({ elementId: timer.elementId, dueAt: timer.dueAt })),
    services: [
      ...new Set([...run.serviceFailures.values()].map((failure) => failure.elementId).concat(run.audit.filter((event) => event.type === 'service.completed').map((event) => event.elementId ?? ''))),
    ],
    status: snapshot.ended ?? 'running',
  };
}
