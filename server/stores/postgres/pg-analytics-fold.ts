import type pg from 'pg';

import { CUSTOMER_DEPARTMENT } from '../../customer/customer-department.js';

/** An audit event as the projector reads it: its global position and the fields the fold uses. */
export interface PgFeedRow extends Record<string, unknown> {
  position: number;
  xid: string;
  instance_id: string;
  seq: number;
  type: string;
  at: string;
  actor: string;
  element_id: string | null;
  definition_id: string;
  data: unknown;
}

interface TaskRow extends Record<string, unknown> {
  task_id: string;
  instance_id: string;
  process_key: string;
  element_id: string;
  department: string | null;
  customer: boolean;
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
 * Applies one audit event to the projection tables: the PostgreSQL twin of SQLite's AnalyticsFold
 * (sqlite-analytics-fold.ts), statement for statement, so both adapters fold the log to the same
 * rows. Runs on the projector's transaction; every write is keyed by the event's position.
 */
export class PgAnalyticsFold {
  constructor(private readonly client: pg.PoolClient) {}

  private async run(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    return this.client.query({ name: `baton.analytics.fold.${name}`, text, values });
  }

  async apply(row: PgFeedRow): Promise<void> {
    const data = readData(row.data);
    const [processKey, version] = splitDefinition(row.definition_id);
    switch (row.type) {
      case 'instance.started':
        await this.run('insertInstance', `INSERT INTO analytics_instances (instance_id, process_key, version, started_at, status) VALUES ($1, $2, $3, $4, 'running') ON CONFLICT DO NOTHING`, [
          row.instance_id,
          processKey,
          version,
          row.at,
        ]);
        return;
      case 'instance.completed':
      case 'instance.cancelled': {
        const status = row.type === 'instance.completed' ? 'completed' : 'cancelled';
        const found = await this.run('instance', 'SELECT last_completer, last_department, last_task_id FROM analytics_instances WHERE instance_id = $1', [row.instance_id]);
        const instance = found.rows[0] as { last_completer: string | null; last_department: string | null; last_task_id: string | null } | undefined;
        await this.run('endInstance', 'UPDATE analytics_instances SET ended_at = $2, status = $3 WHERE instance_id = $1', [row.instance_id, row.at, status]);
        // Resolved: the last user task completed, and no other user task after it, ended the ticket.
        if (status === 'completed' && instance?.last_completer) {
          await this.run('resolve', 'UPDATE analytics_instances SET resolver = $2, resolver_department = $3 WHERE instance_id = $1', [
            row.instance_id,
            instance.last_completer,
            instance.last_department,
          ]);
          await this.action(row, 'resolved', instance.last_completer, instance.last_department, processKey, instance.last_task_id, null);
        }
        return;
      }
      case 'activity.left':
        if (row.element_id) await this.countElement(processKey, version, row.element_id, 'activity', row.at);
        return;
      case 'flow.taken':
        if (row.element_id) await this.countElement(processKey, version, row.element_id, 'flow', row.at);
        return;
      default:
        if (row.type.startsWith('task.')) await this.task(row, data, processKey, version);
    }
  }

  private async countElement(processKey: string, version: number, elementId: string, kind: string, at: string): Promise<void> {
    await this.run(
      'countElement',
      `INSERT INTO analytics_element_days (process_key, version, element_id, kind, day, count) VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (process_key, day, version, kind, element_id) DO UPDATE SET count = analytics_element_days.count + 1`,
      [processKey, version, elementId, kind, at.slice(0, 10)],
    );
  }

  private async task(row: PgFeedRow, data: Data, processKey: string, version: number): Promise<void> {
    const taskId = str(data['taskId']);
    if (!taskId) return;
    if (row.type === 'task.created') {
      const department = str(data['department']);
      const assignee = str(data['assignee']);
      const customer = department === CUSTOMER_DEPARTMENT;
      // The same step again: the work came back to a step someone had finished (a loop in the process).
      const found = await this.run(
        'earlierCompleted',
        `SELECT task_id, completed_by, department FROM analytics_tasks
         WHERE instance_id = $1 AND element_id = $2 AND status = 'completed' AND NOT reopened ORDER BY ended_at DESC LIMIT 1`,
        [row.instance_id, row.element_id ?? ''],
      );
      const earlier = found.rows[0] as { task_id: string; completed_by: string | null; department: string | null } | undefined;
      if (earlier && !customer) {
        await this.run('markReopened', 'UPDATE analytics_tasks SET reopened = true WHERE task_id = $1', [earlier.task_id]);
        await this.action(row, 'reopened', earlier.completed_by, earlier.department, processKey, earlier.task_id, null);
      }
      // Assigned at creation (camunda:assignee): in the person's hands at once.
      const claimed = assignee ? row.at : null;
      await this.run(
        'insertTask',
        `INSERT INTO analytics_tasks (task_id, instance_id, process_key, version, element_id, department, customer, owner, created_at, claimed_at, work_from, status, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 'open', $11) ON CONFLICT DO NOTHING`,
        [taskId, row.instance_id, processKey, version, row.element_id ?? '', department, customer, assignee, row.at, claimed, str(data['dueAt'])],
      );
      // A new staff task pending: whoever completed the last one did not end the ticket.
      if (!customer) {
        await this.run('taskOpened', 'UPDATE analytics_instances SET user_tasks = user_tasks + 1, last_completer = NULL, last_department = NULL, last_task_id = NULL WHERE instance_id = $1', [
          row.instance_id,
        ]);
      }
      return;
    }
    const found = await this.run(
      'task',
      'SELECT task_id, instance_id, process_key, element_id, department, customer, owner, created_at, claimed_at, work_from, due_at FROM analytics_tasks WHERE task_id = $1',
      [taskId],
    );
    const task = found.rows[0] as TaskRow | undefined;
    if (!task) return;
    switch (row.type) {
      case 'task.claimed':
        await this.run('claim', 'UPDATE analytics_tasks SET owner = $2, claimed_at = coalesce(claimed_at, $3), work_from = $3 WHERE task_id = $1', [taskId, row.actor, row.at]);
        return;
      case 'task.released':
        await this.setOwner(taskId, null, task.department, row.at);
        return;
      case 'task.passed-up': {
        const to = (data['to'] ?? {}) as Data;
        await this.setOwner(taskId, null, str(to['department']), row.at);
        await this.bumpInstance(row.instance_id, 1, 0, 0);
        await this.action(row, 'passed-up', row.actor, task.department, processKey, taskId, null);
        return;
      }
      case 'task.handed-over': {
        const to = (data['to'] ?? {}) as Data;
        await this.setOwner(taskId, str(to['assignee']), str(to['department']) ?? task.department, row.at);
        await this.bumpInstance(row.instance_id, 0, 1, 0);
        await this.action(row, 'handed-over', row.actor, task.department, processKey, taskId, null);
        return;
      }
      case 'task.escalated':
        // An SLA timer took the task away: counted against whoever held it (or its queue).
        await this.run('markEscalated', 'UPDATE analytics_tasks SET escalated = true WHERE task_id = $1', [taskId]);
        await this.bumpInstance(row.instance_id, 0, 0, 1);
        await this.action(row, 'escalated', task.owner, task.department, processKey, taskId, null);
        return;
      case 'task.completed': {
        // The task's queue and work time; the completer's own handling starts when they took it.
        const queue = ms(task.created_at, task.claimed_at ?? row.at);
        const work = ms(task.claimed_at, row.at);
        await this.end(taskId, row.at, 'completed', row.actor, queue, work);
        if (task.customer) {
          await this.customerWait(row.instance_id, ms(task.created_at, row.at));
          return;
        }
        await this.run('taskCompleted', 'UPDATE analytics_instances SET last_completer = $2, last_department = $3, last_task_id = $4 WHERE instance_id = $1', [
          row.instance_id,
          row.actor,
          task.department,
          taskId,
        ]);
        await this.action(row, 'completed', row.actor, task.department, processKey, taskId, ms(task.work_from ?? task.created_at, row.at));
        return;
      }
      case 'task.cancelled':
        // Taken away (escalated, instance cancelled): it waited until then, but no work was finished.
        await this.end(taskId, row.at, 'cancelled', null, ms(task.created_at, task.claimed_at ?? row.at), null);
        if (task.customer) await this.customerWait(row.instance_id, ms(task.created_at, row.at));
        return;
      default:
        return;
    }
  }

  /** A new owner's handling starts now; back in a queue, nobody handles it. */
  private async setOwner(taskId: string, owner: string | null, department: string | null, at: string): Promise<void> {
    await this.run('setOwner', 'UPDATE analytics_tasks SET owner = $2, department = $3, work_from = CASE WHEN $2::text IS NULL THEN NULL ELSE $4 END WHERE task_id = $1', [
      taskId,
      owner,
      department,
      at,
    ]);
  }

  private async bumpInstance(instanceId: string, passUps: number, handOvers: number, escalations: number): Promise<void> {
    await this.run('bumpInstance', 'UPDATE analytics_instances SET pass_ups = pass_ups + $2, hand_overs = hand_overs + $3, escalations = escalations + $4 WHERE instance_id = $1', [
      instanceId,
      passUps,
      handOvers,
      escalations,
    ]);
  }

  private async customerWait(instanceId: string, wait: number | null): Promise<void> {
    await this.run('customerWait', 'UPDATE analytics_instances SET customer_wait_ms = customer_wait_ms + coalesce($2::bigint, 0) WHERE instance_id = $1', [instanceId, wait]);
  }

  private async end(taskId: string, at: string, status: string, by: string | null, queue: number | null, work: number | null): Promise<void> {
    await this.run('end', 'UPDATE analytics_tasks SET ended_at = $2, status = $3, completed_by = $4, queue_ms = $5, work_ms = $6 WHERE task_id = $1', [taskId, at, status, by, queue, work]);
  }

  private async action(row: PgFeedRow, kind: string, username: string | null, department: string | null, processKey: string, taskId: string | null, duration: number | null): Promise<void> {
    await this.run(
      'insertAction',
      `INSERT INTO analytics_actions (position, kind, at, username, department, instance_id, task_id, process_key, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.position, kind, row.at, username, department, row.instance_id, taskId, processKey, duration],
    );
  }
}

/** audit_events.data is json: an object as it is; anything else (edited outside Baton) folds as no data, as on SQLite. */
function readData(value: unknown): Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
}

/** `<key>:<version>`; the key may itself hold colons, the version is after the last one. */
function splitDefinition(definitionId: string): [string, number] {
  const at = definitionId.lastIndexOf(':');
  return at < 0 ? [definitionId, 0] : [definitionId.slice(0, at), Number(definitionId.slice(at + 1)) || 0];
}
