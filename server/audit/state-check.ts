import type { InstanceRecord } from '../instances/instance.js';
import { foldAudit, type FoldEvent } from '../replay/replay-fold.js';
import type { TaskRecord } from '../tasks/task.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The instance's stored state against what its log says: the replay fold of the events, compared
 * with the stored variables, status and tasks (status, and the owner of the open ones). The chain
 * proves the log is intact; this proves the state was not edited beside it. The first difference,
 * in words, or null when they agree.
 */
export function stateDifference(events: readonly FoldEvent[], instance: InstanceRecord, tasks: readonly TaskRecord[]): string | null {
  const folded = foldAudit(events);
  // An instance that failed to start has no 'instance.started' in its log; 'failed' has no fold event either.
  if (folded.status !== 'not-started' && instance.status !== 'failed' && folded.status !== instance.status) {
    return `the instance is stored as ${instance.status}, but its log says ${folded.status}`;
  }
  const stored = instance.variables;
  const names = [...new Set([...Object.keys(folded.variables), ...Object.keys(stored)])].sort();
  for (const name of names) {
    const fromLog = Object.hasOwn(folded.variables, name) ? canonicalJson(folded.variables[name]) : undefined;
    const fromStore = Object.hasOwn(stored, name) ? canonicalJson(stored[name]) : undefined;
    if (fromLog !== fromStore) {
      return `variable '${name}' is stored as ${shown(fromStore)}, but its log says ${shown(fromLog)}`;
    }
  }
  const loggedTasks = new Map(folded.tasks.map((task) => [task.taskId, task]));
  for (const task of [...tasks].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))) {
    const logged = loggedTasks.get(task.id);
    if (!logged) return `task ${task.id} (${task.elementId}) is stored, but its log never created it`;
    if (logged.status !== task.status) return `task ${task.id} (${task.elementId}) is stored as ${task.status}, but its log says ${logged.status}`;
    if (task.status === 'open' && (logged.owner ?? null) !== (task.assignee ?? null)) {
      return `task ${task.id} (${task.elementId}) is stored as owned by ${task.assignee ?? 'nobody'}, but its log says ${logged.owner ?? 'nobody'}`;
    }
    loggedTasks.delete(task.id);
  }
  const missing = [...loggedTasks.values()][0];
  if (missing) return `task ${missing.taskId} (${missing.elementId ?? '?'}) is in the log, but not stored`;
  return null;
}

function shown(json: string | undefined): string {
  if (json === undefined) return 'absent';
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
