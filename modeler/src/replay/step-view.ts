/**
 * What one replay step looks like, worked out from the folded state without touching the DOM (so
 * it is tested in Node): which elements carry tokens and how many, which completed, who owns each
 * user task, where timers wait, and which element the step's own event concerns.
 */
import type { ReplayEvent, ReplayState, ReplayTask } from '../../../server/contracts/replay.js';
import type { Translate } from '../../../server/i18n/languages.js';

export interface TaskLabel {
  elementId: string;
  /** The owner's name, or the queue the task waits in. */
  label: string;
  kind: 'owner' | 'queue' | 'completed' | 'cancelled';
}

export interface DiagramMarks {
  /** Element id → tokens there now. */
  tokens: Map<string, number>;
  /** Boundary events armed on an active activity: waiting, not working, so drawn apart. */
  listening: string[];
  /** Elements that completed at least once and hold no token now. */
  completed: string[];
  tasks: TaskLabel[];
  /** Timer events with a timer pending. */
  timers: string[];
  incidents: string[];
  /** The element the step's event is about (an activity or a sequence flow), if any. */
  current: string | null;
}

export function diagramMarks(state: ReplayState, event: ReplayEvent | undefined, t: Translate): DiagramMarks {
  const tokens = new Map<string, number>();
  const listening = new Set<string>();
  for (const token of state.active) {
    if (token.type === 'bpmn:BoundaryEvent') listening.add(token.elementId);
    else tokens.set(token.elementId, (tokens.get(token.elementId) ?? 0) + 1);
  }
  const completed = Object.keys(state.completed).filter((id) => (state.completed[id] ?? 0) > 0 && !tokens.has(id) && !listening.has(id));
  return {
    tokens,
    listening: [...listening],
    completed,
    tasks: taskLabels(state.tasks, t),
    timers: unique(state.timers.map((timer) => timer.elementId)),
    incidents: unique(state.incidents.map((incident) => incident.elementId)),
    current: event?.elementId ?? null,
  };
}

/** One label per user task element: its newest task (a task run again shows the latest run). */
function taskLabels(tasks: readonly ReplayTask[], t: Translate): TaskLabel[] {
  const newest = new Map<string, ReplayTask>();
  for (const task of tasks) if (task.elementId) newest.set(task.elementId, task);
  return [...newest].map(([elementId, task]) => ({ elementId, ...taskLabel(task, t) }));
}

function taskLabel(task: ReplayTask, t: Translate): Omit<TaskLabel, 'elementId'> {
  const queue = t('replay:queue', { department: task.department ?? (task.candidateGroups.join(', ') || t('replay:unrouted')) });
  if (task.status === 'completed') return { label: task.owner ?? task.completedBy ?? t('replay:unknown'), kind: 'completed' };
  if (task.status === 'cancelled') return { label: task.owner ?? queue, kind: 'cancelled' };
  return task.owner ? { label: task.owner, kind: 'owner' } : { label: queue, kind: 'queue' };
}

function unique(ids: (string | null)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

/** The step at a moment: how many events had happened by then (0: none yet). Events are in time order. */
export function stepAtTime(events: readonly Pick<ReplayEvent, 'at'>[], at: number): number {
  const after = events.findIndex((event) => !(Date.parse(event.at) <= at));
  return after === -1 ? events.length : after;
}
