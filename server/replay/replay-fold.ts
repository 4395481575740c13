import type { AuditEvent } from '../audit/audit-event.js';
import type { KnownAuditEventType } from '../audit/audit-event-types.js';
import { applyVariableDiff, diffVariables } from '../audit/variable-diff.js';
import type { ReplayIncident, ReplayState, ReplayTask, ReplayTimer, ReplayToken, ReplayVariableChange } from '../contracts/replay.js';

/** The part of an event the fold reads: stored events and golden fixtures both fit. */
export type FoldEvent = Pick<AuditEvent, 'seq' | 'type' | 'at' | 'actor' | 'elementId' | 'data'>;

type Data = Record<string, unknown>;

const TASK_STATUSES = new Set(['open', 'completed', 'cancelled']);

/** Mutable working state; turned into a ReplayState once, at the end. */
class Fold {
  status: ReplayState['status'] = 'not-started';
  at: string | null = null;
  readonly tokens = new Map<string, ReplayToken>();
  readonly completed: Record<string, number> = {};
  readonly spent: Record<string, number> = {};
  readonly tasks = new Map<string, ReplayTask>();
  readonly timers = new Map<string, ReplayTimer>();
  readonly incidents = new Map<string, ReplayIncident>();
  variables: Data = {};

  constructor(
    /** Trails written before `variables.changed` existed rebuild variables from inputs and outputs. */
    private readonly legacyVariables: boolean,
  ) {}

  apply(event: FoldEvent): void {
    this.at = event.at;
    const data = event.data ?? {};
    switch (event.type as KnownAuditEventType) {
      case 'instance.started':
        this.status = 'running';
        if (this.legacyVariables) this.variables = { ...this.variables, ...record(data['variables']), ticketNumber: data['ticketNumber'] };
        break;
      case 'instance.completed':
        this.status = 'completed';
        this.timers.clear();
        break;
      case 'instance.cancelled':
        this.status = 'cancelled';
        this.timers.clear();
        break;
      case 'activity.entered': {
        const executionId = text(data['executionId']);
        if (executionId && event.elementId) this.tokens.set(executionId, { executionId, elementId: event.elementId, type: text(data['type']) ?? '', since: event.at });
        break;
      }
      case 'activity.left':
        this.leave(event, true);
        break;
      case 'activity.cancelled':
        this.leave(event, false);
        break;
      case 'variables.changed':
        this.variables = applyVariableDiff(this.variables, { set: record(data['set']), removed: strings(data['removed']) });
        break;
      case 'task.created': {
        const taskId = text(data['taskId']);
        if (!taskId) break;
        this.tasks.set(taskId, {
          taskId,
          elementId: event.elementId,
          status: 'open',
          owner: text(data['assignee']) ?? null,
          department: text(data['department']) ?? null,
          candidateGroups: strings(data['candidateGroups']),
          createdAt: event.at,
          endedAt: null,
          completedBy: null,
        });
        break;
      }
      case 'task.completed':
        this.closeTask(event, 'completed');
        if (this.legacyVariables) this.variables = { ...this.variables, ...record(data['output']) };
        break;
      case 'task.cancelled':
        this.closeTask(event, 'cancelled');
        break;
      // The task actions carry no `owner` field: who owns the task follows from the action.
      case 'task.claimed':
        this.setOwner(data, event.actor);
        break;
      case 'task.released':
      case 'task.passed-up':
        this.setOwner(data, null);
        break;
      case 'task.handed-over':
        this.setOwner(data, text(record(data['to'])['assignee']) ?? null);
        break;
      case 'message.correlated':
        if (this.legacyVariables) this.variables = { ...this.variables, ...record(data['variables']) };
        break;
      case 'timer.scheduled': {
        const executionId = text(data['executionId']);
        const dueAt = text(data['dueAt']);
        if (executionId && dueAt) this.timers.set(executionId, { executionId, elementId: event.elementId, dueAt, scheduledAt: event.at });
        break;
      }
      case 'timer.fired':
        this.timers.delete(text(data['executionId']) ?? '');
        break;
      case 'timer.rescheduled':
      case 'timer.moved': {
        // timerId is `<instance id>:<timer execution id>`; a timer.moved to null is paused (issue 16).
        const timerId = text(data['timerId']) ?? '';
        const timer = this.timers.get(timerId.slice(timerId.indexOf(':') + 1));
        const to = text(data['to']);
        if (timer && to) timer.dueAt = to;
        break;
      }
      case 'incident.raised': {
        const incidentId = text(data['incidentId']);
        if (incidentId) {
          this.incidents.set(incidentId, {
            incidentId,
            elementId: event.elementId,
            kind: text(data['kind']) ?? '',
            message: text(data['message']) ?? '',
            raisedAt: this.incidents.get(incidentId)?.raisedAt ?? event.at,
          });
        }
        break;
      }
      case 'incident.resolved':
        this.incidents.delete(text(data['incidentId']) ?? '');
        break;
      default:
        break;
    }
    this.applyGenericTaskRules(event.type, data);
  }

  /**
   * Rules for any event type, known or not (task claim, release, pass-up, hand-over...): an owner
   * or a status carried next to a taskId is applied to that task.
   */
  private applyGenericTaskRules(type: string, data: Data): void {
    const task = this.tasks.get(text(data['taskId']) ?? '');
    if (!task || type === 'task.created') return;
    if ('owner' in data) task.owner = text(data['owner']) ?? null;
    else if ('assignee' in data) task.owner = text(data['assignee']) ?? null;
    const status = text(data['status']);
    if (status && TASK_STATUSES.has(status)) task.status = status as ReplayTask['status'];
  }

  private setOwner(data: Data, owner: string | null): void {
    const task = this.tasks.get(text(data['taskId']) ?? '');
    if (task) task.owner = owner;
  }

  private leave(event: FoldEvent, done: boolean): void {
    const executionId = text(event.data?.['executionId']);
    if (!executionId) return;
    const token = this.tokens.get(executionId);
    if (token) {
      this.tokens.delete(executionId);
      this.spent[token.elementId] = (this.spent[token.elementId] ?? 0) + elapsed(token.since, event.at);
      if (done) this.completed[token.elementId] = (this.completed[token.elementId] ?? 0) + 1;
    }
    // A boundary event's timer has the event's execution id plus `_<n>`: it goes with the event.
    for (const id of this.timers.keys()) if (id.startsWith(`${executionId}_`)) this.timers.delete(id);
  }

  private closeTask(event: FoldEvent, status: 'completed' | 'cancelled'): void {
    const task = this.tasks.get(text(event.data?.['taskId']) ?? '');
    if (!task) return;
    task.status = status;
    task.endedAt = event.at;
    if (status === 'completed') {
      task.completedBy = event.actor;
      // Whoever completed an unowned task (picked from the department queue) did own it.
      task.owner ??= event.actor;
    }
  }

  state(step: number, previousVariables: Data): ReplayState {
    const spent = { ...this.spent };
    for (const token of this.tokens.values()) spent[token.elementId] = (spent[token.elementId] ?? 0) + (this.at ? elapsed(token.since, this.at) : 0);
    return {
      step,
      at: this.at,
      status: this.status,
      active: [...this.tokens.values()].map((token) => ({ ...token })),
      completed: { ...this.completed },
      timeSpent: spent,
      tasks: [...this.tasks.values()].map((task) => ({ ...task, candidateGroups: [...task.candidateGroups] })),
      timers: [...this.timers.values()].map((timer) => ({ ...timer })),
      incidents: [...this.incidents.values()].map((incident) => ({ ...incident })),
      variables: { ...this.variables },
      variablesDiff: diff(previousVariables, this.variables),
    };
  }
}

/**
 * The replay state right after event `upTo` (1-based; 0 is before the first event, the default
 * is the last). Pure: the same events always give the same state, nothing is read or written.
 * Events are applied in the order given (the store reads them in seq order).
 */
export function foldAudit(events: readonly FoldEvent[], upTo: number = events.length): ReplayState {
  const count = Math.max(0, Math.min(Math.trunc(upTo), events.length));
  const fold = new Fold(!events.some((event) => event.type === 'variables.changed'));
  let previous: Data = {};
  for (let index = 0; index < count; index++) {
    const event = events[index];
    if (!event) break;
    if (index === count - 1) previous = fold.variables;
    fold.apply(event);
  }
  return fold.state(count === 0 ? 0 : (events[count - 1]?.seq ?? count), previous);
}

/** The last step's changes for the viewer: set names in `after`'s order, then removed ones in `before`'s. */
function diff(before: Data, after: Data): ReplayVariableChange[] {
  const changes = before === after ? null : diffVariables(before, after);
  if (!changes) return [];
  return [
    ...Object.entries(changes.set).map(([name, to]): ReplayVariableChange => (Object.hasOwn(before, name) ? { name, kind: 'changed', from: before[name], to } : { name, kind: 'added', to })),
    ...changes.removed.map((name): ReplayVariableChange => ({ name, kind: 'removed', from: before[name] })),
  ];
}

function elapsed(from: string, to: string): number {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function record(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}
