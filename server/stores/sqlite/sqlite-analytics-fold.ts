import type Database from 'better-sqlite3';

import { CUSTOMER_DEPARTMENT } from '../../customer/customer-department.js';

/** An audit event as the projector reads it: its global position and the fields the fold uses. */
export interface FeedRow {
  position: number;
  instance_id: string;
  seq: number;
  type: string;
  at: string;
  actor: string;
  element_id: string | null;
  definition_id: string;
  data: string;
}

interface TaskRow {
  task_id: string;
  instance_id: string;
  process_key: string;
  element_id: string;
  department: string | null;
  customer: number;
  owner: string | null;
  created_at: string;
  claimed_at: string | null;
  work_from: string | null;
  due_at: string | null;
}

type Data = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const ms = (from: string | null, to: string): number | null => (from === null ? null : Date.parse(to) - Date.parse(from));

/**
 * Applies one audit event to the projection tables. Runs inside the projector's transaction;
 * every write is keyed by the event's position, so the fold is a pure function of the log.
 */
export class AnalyticsFold {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
  }

  apply(row: FeedRow): void {
    const data = parseData(row.data);
    const [processKey, version] = splitDefinition(row.definition_id);
    const s = this.s;
    switch (row.type) {
      case 'instance.started':
        s.insertInstance.run({ id: row.instance_id, key: processKey, version, at: row.at });
        return;
      case 'instance.completed':
      case 'instance.cancelled': {
        const status = row.type === 'instance.completed' ? 'completed' : 'cancelled';
        const instance = s.instance.get(row.instance_id);
        s.endInstance.run({ id: row.instance_id, at: row.at, status });
        // Resolved: the last user task completed, and no other user task after it, ended the ticket.
        if (status === 'completed' && instance?.last_completer) {
          s.resolve.run({ id: row.instance_id, username: instance.last_completer, department: instance.last_department });
          this.action(row, 'resolved', instance.last_completer, instance.last_department, processKey, instance.last_task_id, null);
        }
        return;
      }
      case 'activity.left':
        if (row.element_id) s.countElement.run({ key: processKey, version, element: row.element_id, kind: 'activity', day: row.at.slice(0, 10) });
        return;
      case 'flow.taken':
        if (row.element_id) s.countElement.run({ key: processKey, version, element: row.element_id, kind: 'flow', day: row.at.slice(0, 10) });
        return;
      default:
        if (row.type.startsWith('task.')) this.task(row, data, processKey, version);
    }
  }

  private task(row: FeedRow, data: Data, processKey: string, version: number): void {
    const s = this.s;
    const taskId = str(data['taskId']);
    if (!taskId) return;
    if (row.type === 'task.created') {
      const department = str(data['department']);
      const assignee = str(data['assignee']);
      const customer = department === CUSTOMER_DEPARTMENT ? 1 : 0;
      // The same step again: the work came back to a step someone had finished (a loop in the process).
      const earlier = s.earlierCompleted.get(row.instance_id, row.element_id ?? '');
      if (earlier && !customer) {
        s.markReopened.run(earlier.task_id);
        this.action(row, 'reopened', earlier.completed_by, earlier.department, processKey, earlier.task_id, null);
      }
      s.insertTask.run({
        id: taskId,
        instance: row.instance_id,
        key: processKey,
        version,
        element: row.element_id ?? '',
        department,
        customer,
        owner: assignee,
        at: row.at,
        // Assigned at creation (camunda:assignee): in the person's hands at once.
        claimed: assignee ? row.at : null,
        due: str(data['dueAt']),
      });
      // A new staff task pending: whoever completed the last one did not end the ticket.
      if (!customer) s.taskOpened.run(row.instance_id);
      return;
    }
    const task = s.task.get(taskId);
    if (!task) return;
    switch (row.type) {
      case 'task.claimed':
        s.claim.run({ id: taskId, owner: row.actor, at: row.at });
        return;
      case 'task.released':
        s.setOwner.run({ id: taskId, owner: null, department: task.department, at: row.at });
        return;
      case 'task.passed-up': {
        const to = (data['to'] ?? {}) as Data;
        s.setOwner.run({ id: taskId, owner: null, department: str(to['department']), at: row.at });
        s.bumpInstance.run({ id: row.instance_id, passUps: 1, handOvers: 0, escalations: 0 });
        this.action(row, 'passed-up', row.actor, task.department, processKey, taskId, null);
        return;
      }
      case 'task.handed-over': {
        const to = (data['to'] ?? {}) as Data;
        s.setOwner.run({ id: taskId, owner: str(to['assignee']), department: str(to['department']) ?? task.department, at: row.at });
        s.bumpInstance.run({ id: row.instance_id, passUps: 0, handOvers: 1, escalations: 0 });
        this.action(row, 'handed-over', row.actor, task.department, processKey, taskId, null);
        return;
      }
      case 'task.escalated':
        // An SLA timer took the task away: counted against whoever held it (or its queue).
        s.markEscalated.run(taskId);
        s.bumpInstance.run({ id: row.instance_id, passUps: 0, handOvers: 0, escalations: 1 });
        this.action(row, 'escalated', task.owner, task.department, processKey, taskId, null);
        return;
      case 'task.completed': {
        // The task's queue and work time; the completer's own handling starts when they took it.
        const queue = ms(task.created_at, task.claimed_at ?? row.at);
        const work = ms(task.claimed_at, row.at);
        s.end.run({ id: taskId, at: row.at, status: 'completed', by: row.actor, queue, work });
        if (task.customer) {
          s.customerWait.run({ id: row.instance_id, wait: ms(task.created_at, row.at) });
          return;
        }
        s.taskCompleted.run({ id: row.instance_id, task: taskId, by: row.actor, department: task.department });
        this.action(row, 'completed', row.actor, task.department, processKey, taskId, ms(task.work_from ?? task.created_at, row.at));
        return;
      }
      case 'task.cancelled':
        // Taken away (escalated, instance cancelled): it waited until then, but no work was finished.
        s.end.run({ id: taskId, at: row.at, status: 'cancelled', by: null, queue: ms(task.created_at, task.claimed_at ?? row.at), work: null });
        if (task.customer) s.customerWait.run({ id: row.instance_id, wait: ms(task.created_at, row.at) });
        return;
      default:
        return;
    }
  }

  private action(row: FeedRow, kind: string, username: string | null, department: string | null, processKey: string, taskId: string | null, duration: number | null): void {
    this.s.insertAction.run({ position: row.position, kind, at: row.at, username, department, instance: row.instance_id, task: taskId, key: processKey, duration });
  }
}

function prepare(db: Database.Database) {
  return {
    insertInstance: db.prepare<{ id: string; key: string; version: number; at: string }>(
      `INSERT OR IGNORE INTO analytics_instances (instance_id, process_key, version, started_at, status) VALUES (@id, @key, @version, @at, 'running')`,
    ),
    instance: db.prepare<[string], { last_completer: string | null; last_department: string | null; last_task_id: string | null }>(
      'SELECT last_completer, last_department, last_task_id FROM analytics_instances WHERE instance_id = ?',
    ),
    endInstance: db.prepare<{ id: string; at: string; status: string }>('UPDATE analytics_instances SET ended_at = @at, status = @status WHERE instance_id = @id'),
    resolve: db.prepare<{ id: string; username: string; department: string | null }>('UPDATE analytics_instances SET resolver = @username, resolver_department = @department WHERE instance_id = @id'),
    taskOpened: db.prepare<[string]>('UPDATE analytics_instances SET user_tasks = user_tasks + 1, last_completer = NULL, last_department = NULL, last_task_id = NULL WHERE instance_id = ?'),
    taskCompleted: db.prepare<{ id: string; task: string; by: string; department: string | null }>(
      'UPDATE analytics_instances SET last_completer = @by, last_department = @department, last_task_id = @task WHERE instance_id = @id',
    ),
    bumpInstance: db.prepare<{ id: string; passUps: number; handOvers: number; escalations: number }>(
      `UPDATE analytics_instances SET pass_ups = pass_ups + @passUps, hand_overs = hand_overs + @handOvers, escalations = escalations + @escalations WHERE instance_id = @id`,
    ),
    customerWait: db.prepare<{ id: string; wait: number | null }>('UPDATE analytics_instances SET customer_wait_ms = customer_wait_ms + coalesce(@wait, 0) WHERE instance_id = @id'),
    countElement: db.prepare<{ key: string; version: number; element: string; kind: string; day: string }>(
      `INSERT INTO analytics_element_days (process_key, version, element_id, kind, day, count) VALUES (@key, @version, @element, @kind, @day, 1)
       ON CONFLICT (process_key, day, version, kind, element_id) DO UPDATE SET count = count + 1`,
    ),
    insertTask: db.prepare<{
      id: string;
      instance: string;
      key: string;
      version: number;
      element: string;
      department: string | null;
      customer: number;
      owner: string | null;
      at: string;
      claimed: string | null;
      due: string | null;
    }>(
      `INSERT OR IGNORE INTO analytics_tasks (task_id, instance_id, process_key, version, element_id, department, customer, owner, created_at, claimed_at, work_from, status, due_at)
       VALUES (@id, @instance, @key, @version, @element, @department, @customer, @owner, @at, @claimed, @claimed, 'open', @due)`,
    ),
    task: db.prepare<[string], TaskRow>(
      'SELECT task_id, instance_id, process_key, element_id, department, customer, owner, created_at, claimed_at, work_from, due_at FROM analytics_tasks WHERE task_id = ?',
    ),
    earlierCompleted: db.prepare<[string, string], { task_id: string; completed_by: string | null; department: string | null }>(
      `SELECT task_id, completed_by, department FROM analytics_tasks
       WHERE instance_id = ? AND element_id = ? AND status = 'completed' AND reopened = 0 ORDER BY ended_at DESC LIMIT 1`,
    ),
    markReopened: db.prepare<[string]>('UPDATE analytics_tasks SET reopened = 1 WHERE task_id = ?'),
    markEscalated: db.prepare<[string]>('UPDATE analytics_tasks SET escalated = 1 WHERE task_id = ?'),
    claim: db.prepare<{ id: string; owner: string; at: string }>('UPDATE analytics_tasks SET owner = @owner, claimed_at = coalesce(claimed_at, @at), work_from = @at WHERE task_id = @id'),
    // A new owner's handling starts now; back in a queue, nobody handles it.
    setOwner: db.prepare<{ id: string; owner: string | null; department: string | null; at: string }>(
      'UPDATE analytics_tasks SET owner = @owner, department = @department, work_from = CASE WHEN @owner IS NULL THEN NULL ELSE @at END WHERE task_id = @id',
    ),
    end: db.prepare<{ id: string; at: string; status: string; by: string | null; queue: number | null; work: number | null }>(
      'UPDATE analytics_tasks SET ended_at = @at, status = @status, completed_by = @by, queue_ms = @queue, work_ms = @work WHERE task_id = @id',
    ),
    insertAction: db.prepare<{
      position: number;
      kind: string;
      at: string;
      username: string | null;
      department: string | null;
      instance: string;
      task: string | null;
      key: string;
      duration: number | null;
    }>(
      `INSERT INTO analytics_actions (position, kind, at, username, department, instance_id, task_id, process_key, duration_ms)
       VALUES (@position, @kind, @at, @username, @department, @instance, @task, @key, @duration)`,
    ),
  };
}

function parseData(text: string): Data {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
  } catch {
    return {};
  }
}

/** `<key>:<version>`; the key may itself hold colons, the version is after the last one. */
function splitDefinition(definitionId: string): [string, number] {
  const at = definitionId.lastIndexOf(':');
  return at < 0 ? [definitionId, 0] : [definitionId.slice(0, at), Number(definitionId.slice(at + 1)) || 0];
}
