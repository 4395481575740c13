import type { SerializableContext } from 'moddle-context-serializer';

import type { AuditEventInput } from '../../audit/audit-event.js';
import type { Clock } from '../../clock.js';
import type { StepRun } from '../../engine/step-run.js';
import { ConflictError, TaskChangedError } from '../../errors.js';
import type { ExternalTaskRecord } from '../../external-tasks/external-task.js';
import type { TaskRecord } from '../../tasks/task.js';
import type { TimerRecord } from '../../timers/timer.js';
import type { IncidentRecord, InstanceRecord } from '../instance.js';
import type { StepAction } from '../step-action.js';

/** What a step loaded before its action runs, and what the action prepares on it. */
export interface LoadedStep {
  readonly instance: InstanceRecord;
  readonly openTasks: TaskRecord[];
  readonly openIncidents: IncidentRecord[];
  readonly pendingTimers: TimerRecord[];
  readonly externalTasks: ExternalTaskRecord[];
  readonly clock: Clock;
  /** Saved due times the engine re-arms (executionId →): an action may move one (force, reschedule, pass-up). */
  readonly saved: Map<string, Date>;
  /** Audit events before the engine's own, in order. */
  readonly leading: AuditEventInput[];
  /** What the step runs: the action asked for, or the step an incident's retry replays. */
  effective: StepAction;
  /** The incident a retry replays. */
  retried: IncidentRecord | null;
}

/** `noop`: nothing to do (a timer that already fired); the step ends without a write. */
export type Verdict = 'go' | 'noop';

/**
 * One kind of step action, in the order the runner calls it: `check` against what was loaded
 * (before timers whose calendar changed are moved), `prepare` with the diagram (before the
 * engine is opened), `apply` on the resumed engine.
 */
export interface ActionHandler<A extends StepAction> {
  check?(action: A, step: LoadedStep): Verdict;
  prepare?(action: A, step: LoadedStep, source: SerializableContext): Verdict;
  apply(action: A, run: StepRun, step: LoadedStep): Promise<Verdict>;
}

export type ActionOf<K extends StepAction['kind']> = Extract<StepAction, { kind: K }>;

/** The task is still open, at the version the caller's checks ran against. */
export function assertOpenTask(step: LoadedStep, taskId: string, taskVersion: number | undefined): TaskRecord {
  const open = step.openTasks.find((candidate) => candidate.id === taskId);
  if (!open) throw new ConflictError('The task is no longer open: it was completed or cancelled');
  if (taskVersion !== undefined && open.version !== taskVersion) {
    throw new TaskChangedError(`The task changed meanwhile (version ${taskVersion} was checked, it is at ${open.version}); reload it`);
  }
  return open;
}

/** The task waits in the engine; its record as loaded (if any). */
export function waitingTask(run: StepRun, step: LoadedStep, taskId: string): TaskRecord | undefined {
  if (!run.waiting(taskId)) throw new ConflictError('The task is no longer waiting in the process');
  return step.openTasks.find((candidate) => candidate.id === taskId);
}
