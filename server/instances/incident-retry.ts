import type { IncidentRecord, IncidentRetry } from './instance.js';
import type { StepAction } from './step-action.js';

/** How a failed step is replayed: with its action again, or by resuming the saved state. */
export function incidentRetry(action: StepAction): IncidentRetry {
  switch (action.kind) {
    case 'timer':
    case 'reschedule-timer':
    case 'retry':
    // A worker's or person's answer that made the step fail (a condition after it) is not kept:
    // the retry resumes, and the task waits for its answer again.
    case 'external-complete':
    case 'external-error':
    case 'external-failure':
    case 'external-linked':
    case 'annotate':
    case 'task-error':
    case 'task-escalation':
    case 'pass-up':
      return { kind: 'resume' };
    case 'complete-task':
      return { kind: 'complete-task', taskId: action.taskId, output: action.output, actor: action.actor };
    case 'message':
      return { kind: 'message', executionId: action.executionId, messageName: action.messageName, variables: action.variables, actor: action.actor };
    case 'cancel':
      return { kind: 'cancel', reason: action.reason, actor: action.actor };
  }
}

/** The action a failed step is replayed with; null when resuming the saved state is the retry. */
export function retryAction(retry: IncidentRetry, actor: string): StepAction | null {
  switch (retry.kind) {
    case 'complete-task':
      return { kind: 'complete-task', taskId: retry.taskId, output: retry.output, actor };
    case 'message':
      return { kind: 'message', executionId: retry.executionId, messageName: retry.messageName, variables: retry.variables, actor };
    case 'cancel':
      return { kind: 'cancel', reason: retry.reason, actor };
    case 'resume':
      return null;
  }
}

export function sameRetry(a: IncidentRetry, b: IncidentRetry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'complete-task' && b.kind === 'complete-task') return a.taskId === b.taskId;
  if (a.kind === 'message' && b.kind === 'message') return a.executionId === b.executionId;
  return true;
}

/** A failed completion is resolved when the same task is completed successfully (e.g. with fixed data). */
export function resolvesByAction(incident: IncidentRecord, action: StepAction | undefined): boolean {
  if (!action) return false;
  return sameRetry(incident.retry, incidentRetry(action)) && incident.retry.kind !== 'resume';
}

/** An open incident; a repeat of the same failure updates the existing one instead of adding another. */
export function openIncident(
  instanceId: string,
  existing: IncidentRecord | undefined,
  failure: Pick<IncidentRecord, 'elementId' | 'message' | 'kind' | 'executionId' | 'retry'>,
  at: string,
  newId: () => string,
): IncidentRecord {
  return {
    id: existing?.id ?? newId(),
    instanceId,
    ...failure,
    status: 'open',
    createdAt: existing?.createdAt ?? at,
    resolvedAt: null,
  };
}
