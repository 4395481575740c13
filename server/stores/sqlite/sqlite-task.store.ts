import type Database from 'better-sqlite3';
import { CUSTOMER_DEPARTMENT } from '../../customer/customer-department.js';
import type { TaskEscalation, TaskFilter, TaskFormField, TaskHistoryEntry, TaskRecord, TaskStatus } from '../../tasks/task.js';
import type { InboxFilter, TaskStore } from '../../tasks/task.store.js';
import { FilteredSelect, fromJson, fromJsonOrNull, toJson, toJsonOrNull } from './sqlite-query.js';

interface TaskRow {
  id: string;
  instance_id: string;
  ticket_number: string;
  process_key: string;
  definition_version: number;
  element_id: string;
  name: string;
  status: string;
  department: string | null;
  candidate_groups: string;
  candidate_users: string;
  assignee: string | null;
  priority: number | null;
  due_at: string | null;
  warn_at: string | null;
  escalated_from: string | null;
  form_key: string | null;
  created_at: string;
  ended_at: string | null;
  completed_by: string | null;
  output: string | null;
  version: number;
  history: string;
  routing_reason: string | null;
  form: string | null;
}

const TASK_COLUMNS = `id, instance_id, ticket_number, process_key, definition_version, element_id,
  name, status, department, candidate_groups, candidate_users, assignee, priority, due_at,
  warn_at, escalated_from, form_key, created_at, ended_at, completed_by, output,
  version, history, routing_reason, form`;

export class SqliteTaskStore implements TaskStore {
  private readonly byId: Database.Statement<[string], TaskRow>;
  private readonly filtered: FilteredSelect<TaskFilter, TaskRow>;
  private readonly upsertRow: Database.Statement<[TaskRow]>;
  private readonly inboxRows: Database.Statement<[{ departments: string; assignee: string; instance_id: string | null; process_key: string | null; limit: number; offset: number }], TaskRow>;
  private readonly unroutedRows: Database.Statement<[{ limit: number; offset: number }], TaskRow>;
  private readonly statsRows: Database.Statement<[string], { username: string; open: number; last_assigned_at: string | null }>;

  constructor(db: Database.Database) {
    this.byId = db.prepare(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`);
    this.filtered = new FilteredSelect<TaskFilter, TaskRow>(
      db,
      `SELECT ${TASK_COLUMNS} FROM tasks`,
      {
        status: 'status',
        instanceId: 'instance_id',
        department: 'department',
        assignee: 'assignee',
        processKey: 'process_key',
      },
      // rowid breaks ties between tasks created in the same millisecond by arrival order.
      'created_at, rowid',
    );
    // ON CONFLICT DO UPDATE rather than INSERT OR REPLACE: REPLACE deletes and re-inserts, which
    // would give the task a new rowid and move it within its queue.
    this.upsertRow = db.prepare(
      `INSERT INTO tasks (${TASK_COLUMNS})
       VALUES (@id, @instance_id, @ticket_number, @process_key, @definition_version, @element_id,
         @name, @status, @department, @candidate_groups, @candidate_users, @assignee, @priority,
         @due_at, @warn_at, @escalated_from, @form_key, @created_at, @ended_at, @completed_by, @output,
         @version, @history, @routing_reason, @form)
       ON CONFLICT (id) DO UPDATE SET instance_id = excluded.instance_id,
         ticket_number = excluded.ticket_number, process_key = excluded.process_key,
         definition_version = excluded.definition_version, element_id = excluded.element_id,
         name = excluded.name, status = excluded.status, department = excluded.department,
         candidate_groups = excluded.candidate_groups, candidate_users = excluded.candidate_users,
         assignee = excluded.assignee, priority = excluded.priority, due_at = excluded.due_at,
         warn_at = excluded.warn_at, escalated_from = excluded.escalated_from, form_key = excluded.form_key, created_at = excluded.created_at,
         ended_at = excluded.ended_at, completed_by = excluded.completed_by,
         output = excluded.output, version = excluded.version, history = excluded.history,
         routing_reason = excluded.routing_reason, form = excluded.form`,
    );
    // Two index lookups (status+department, assignee+status) rather than one scan of open tasks.
    this.inboxRows = db.prepare(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE rowid IN (
         SELECT rowid FROM tasks WHERE status = 'open' AND department IN (SELECT value FROM json_each(@departments))
         UNION SELECT rowid FROM tasks WHERE assignee = @assignee AND status = 'open')
         AND (@instance_id IS NULL OR instance_id = @instance_id) AND (@process_key IS NULL OR process_key = @process_key)
       ORDER BY created_at, rowid LIMIT @limit OFFSET @offset`,
    );
    this.unroutedRows = db.prepare(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE status = 'open'
         AND (department IS NULL OR (department <> '${CUSTOMER_DEPARTMENT}' AND department NOT IN (SELECT id FROM departments)))
       ORDER BY created_at, rowid LIMIT @limit OFFSET @offset`,
    );
    this.statsRows = db.prepare(
      `SELECT assignee AS username, sum(status = 'open') AS open, max(created_at) AS last_assigned_at
       FROM tasks WHERE assignee IN (SELECT value FROM json_each(?)) GROUP BY assignee`,
    );
  }

  async inbox(departments: string[], assignee: string, filter: InboxFilter): Promise<TaskRecord[]> {
    const rows = this.inboxRows.all({
      departments: toJson(departments),
      assignee,
      instance_id: filter.instanceId ?? null,
      process_key: filter.processKey ?? null,
      limit: filter.limit ?? -1,
      offset: filter.offset ?? 0,
    });
    return rows.map(toTask);
  }

  async unrouted(filter: { limit?: number; offset?: number }): Promise<TaskRecord[]> {
    return this.unroutedRows.all({ limit: filter.limit ?? -1, offset: filter.offset ?? 0 }).map(toTask);
  }

  async assignmentStats(usernames: string[]): Promise<{ username: string; open: number; lastAssignedAt: string | null }[]> {
    if (!usernames.length) return [];
    return this.statsRows.all(toJson(usernames)).map((row) => ({ username: row.username, open: row.open, lastAssignedAt: row.last_assigned_at }));
  }

  async get(id: string): Promise<TaskRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toTask(row);
  }

  async list(filter: TaskFilter): Promise<TaskRecord[]> {
    return this.filtered.all(filter).map(toTask);
  }

  /** Called only inside SqliteStore.commitStep's transaction. */
  upsertSync(task: TaskRecord): void {
    this.upsertRow.run(toRow(task));
  }
}

function toRow(task: TaskRecord): TaskRow {
  return {
    id: task.id,
    instance_id: task.instanceId,
    ticket_number: task.ticketNumber,
    process_key: task.processKey,
    definition_version: task.definitionVersion,
    element_id: task.elementId,
    name: task.name,
    status: task.status,
    department: task.department,
    candidate_groups: toJson(task.candidateGroups),
    candidate_users: toJson(task.candidateUsers),
    assignee: task.assignee,
    priority: task.priority,
    due_at: task.dueAt,
    warn_at: task.warnAt,
    escalated_from: toJsonOrNull(task.escalatedFrom),
    form_key: task.formKey,
    created_at: task.createdAt,
    ended_at: task.endedAt,
    completed_by: task.completedBy,
    output: toJsonOrNull(task.output),
    version: task.version,
    history: toJson(task.history),
    routing_reason: task.routingReason,
    form: toJsonOrNull(task.form),
  };
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
    candidateGroups: fromJson<string[]>(row.candidate_groups),
    candidateUsers: fromJson<string[]>(row.candidate_users),
    assignee: row.assignee,
    priority: row.priority,
    dueAt: row.due_at,
    warnAt: row.warn_at,
    escalatedFrom: fromJsonOrNull<TaskEscalation>(row.escalated_from),
    formKey: row.form_key,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    completedBy: row.completed_by,
    output: fromJsonOrNull<Record<string, unknown>>(row.output),
    version: row.version,
    history: fromJson<TaskHistoryEntry[]>(row.history),
    routingReason: row.routing_reason,
    form: fromJsonOrNull<TaskFormField[]>(row.form),
  };
}
