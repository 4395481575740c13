import type pg from 'pg';

import { CUSTOMER_DEPARTMENT } from '../../customer/customer-department.js';
import type { TaskEscalation, TaskFilter, TaskFormField, TaskHistoryEntry, TaskRecord, TaskStatus } from '../../tasks/task.js';
import type { InboxFilter, TaskStore } from '../../tasks/task.store.js';
import { iso, isoOrNull, query, type Queryable } from './pg-pool.js';
import { FilteredSelect } from './pg-query.js';

interface TaskRow extends Record<string, unknown> {
  id: string;
  instance_id: string;
  ticket_number: string;
  process_key: string;
  definition_version: number;
  element_id: string;
  name: string;
  status: string;
  department: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  assignee: string | null;
  priority: number | null;
  due_at: Date | null;
  warn_at: Date | null;
  escalated_from: TaskEscalation | null;
  form_key: string | null;
  created_at: Date;
  ended_at: Date | null;
  completed_by: string | null;
  output: Record<string, unknown> | null;
  version: number;
  history: TaskHistoryEntry[];
  routing_reason: string | null;
  form: TaskFormField[] | null;
}

const TASK_COLUMNS = `id, instance_id, ticket_number, process_key, definition_version, element_id,
  name, status, department, candidate_groups, candidate_users, assignee, priority, due_at,
  warn_at, escalated_from, form_key, created_at, ended_at, completed_by, output,
  version, history, routing_reason, form`;
const UPDATED = TASK_COLUMNS.split(',')
  .map((column) => column.trim())
  .filter((column) => column !== 'id')
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

export class PgTaskStore implements TaskStore {
  private readonly filtered: FilteredSelect<TaskFilter, TaskRow>;

  constructor(private readonly pool: pg.Pool) {
    this.filtered = new FilteredSelect<TaskFilter, TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM tasks`,
      { status: 'status', instanceId: 'instance_id', department: 'department', assignee: 'assignee', processKey: 'process_key' },
      // pos breaks ties between tasks created in the same millisecond by arrival order.
      'created_at, pos',
    );
  }

  async get(id: string): Promise<TaskRecord | null> {
    const result = await query<TaskRow>(this.pool, { name: 'baton.task.get', text: `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1`, values: [id] });
    const row = result.rows[0];
    return row === undefined ? null : toTask(row);
  }

  async list(filter: TaskFilter): Promise<TaskRecord[]> {
    return (await this.filtered.all(this.pool, filter)).map(toTask);
  }

  async inbox(departments: string[], assignee: string, filter: InboxFilter): Promise<TaskRecord[]> {
    const result = await query<TaskRow>(this.pool, {
      name: 'baton.task.inbox',
      text: `SELECT ${TASK_COLUMNS} FROM tasks
             WHERE status = 'open' AND (department = ANY($1::text[]) OR assignee = $2)
               AND ($3::text IS NULL OR instance_id = $3) AND ($4::text IS NULL OR process_key = $4)
             ORDER BY created_at, pos LIMIT $5 OFFSET $6`,
      values: [departments, assignee, filter.instanceId ?? null, filter.processKey ?? null, filter.limit ?? null, filter.offset ?? 0],
    });
    return result.rows.map(toTask);
  }

  async unrouted(filter: { limit?: number; offset?: number }): Promise<TaskRecord[]> {
    const result = await query<TaskRow>(
      this.pool,
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE status = 'open'
         AND (department IS NULL OR (department <> $1 AND department NOT IN (SELECT id FROM departments)))
       ORDER BY created_at, pos LIMIT $2 OFFSET $3`,
      [CUSTOMER_DEPARTMENT, filter.limit ?? null, filter.offset ?? 0],
    );
    return result.rows.map(toTask);
  }

  async assignmentStats(usernames: string[]): Promise<{ username: string; open: number; lastAssignedAt: string | null }[]> {
    if (!usernames.length) return [];
    const result = await query<{ username: string; open: number; last_assigned_at: Date | null }>(
      this.pool,
      `SELECT assignee AS username, count(*) FILTER (WHERE status = 'open') AS open, max(created_at) AS last_assigned_at
       FROM tasks WHERE assignee = ANY($1::text[]) GROUP BY assignee`,
      [usernames],
    );
    return result.rows.map((row) => ({ username: row.username, open: row.open, lastAssignedAt: isoOrNull(row.last_assigned_at) }));
  }

  /** In PgStore.commitStep's transaction. An update keeps the row's pos, so the task keeps its place in its queue. */
  async upsertIn(client: Queryable, task: TaskRecord): Promise<void> {
    await client.query({
      name: 'baton.task.upsert',
      text: `INSERT INTO tasks (${TASK_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
             ON CONFLICT (id) DO UPDATE SET ${UPDATED}`,
      values: [
        task.id,
        task.instanceId,
        task.ticketNumber,
        task.processKey,
        task.definitionVersion,
        task.elementId,
        task.name,
        task.status,
        task.department,
        JSON.stringify(task.candidateGroups),
        JSON.stringify(task.candidateUsers),
        task.assignee,
        task.priority,
        task.dueAt,
        task.warnAt,
        jsonOrNull(task.escalatedFrom),
        task.formKey,
        task.createdAt,
        task.endedAt,
        task.completedBy,
        jsonOrNull(task.output),
        task.version,
        JSON.stringify(task.history),
        task.routingReason,
        jsonOrNull(task.form),
      ],
    });
  }
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    ticketNumber: row.ticket_number,
    processKey: row.process_key,
    definitionVersion: row.definition_version,
    elementId: row.element_id,
    name: row.name,
    status: row.status as TaskStatus,
    department: row.department,
    candidateGroups: row.candidate_groups,
    candidateUsers: row.candidate_users,
    assignee: row.assignee,
    priority: row.priority,
    dueAt: isoOrNull(row.due_at),
    warnAt: isoOrNull(row.warn_at),
    escalatedFrom: row.escalated_from,
    formKey: row.form_key,
    createdAt: iso(row.created_at),
    endedAt: isoOrNull(row.ended_at),
    completedBy: row.completed_by,
    output: row.output,
    version: row.version,
    history: row.history,
    routingReason: row.routing_reason,
    form: row.form,
  };
}
