import type { ElementCount, InstanceFact, TaskFact } from '../analytics/analytics.store.js';

/**
 * The analytics projections' rows as both adapters read them (the same columns; flags are 0/1 on
 * SQLite and booleans on PostgreSQL), and the facts the reports take from them.
 */
export interface TaskFactRow {
  task_id: string;
  instance_id: string;
  version: number;
  element_id: string;
  department: string | null;
  customer: boolean | number;
  completed_by: string | null;
  created_at: string;
  ended_at: string | null;
  status: string;
  due_at: string | null;
  escalated: boolean | number;
  reopened: boolean | number;
  queue_ms: number | null;
  work_ms: number | null;
}

export interface InstanceFactRow {
  instance_id: string;
  version: number;
  started_at: string;
  ended_at: string | null;
  status: string;
  user_tasks: number;
  pass_ups: number;
  hand_overs: number;
  escalations: number;
  resolver: string | null;
  resolver_department: string | null;
  customer_wait_ms: number;
  rating: number | null;
}

export interface ElementCountRow {
  version: number;
  element_id: string;
  kind: string;
  count: number;
}

export function taskFactFromRow(row: TaskFactRow): TaskFact {
  return {
    taskId: row.task_id,
    instanceId: row.instance_id,
    version: row.version,
    elementId: row.element_id,
    department: row.department,
    customer: row.customer === true || row.customer === 1,
    completedBy: row.completed_by,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    status: row.status as TaskFact['status'],
    dueAt: row.due_at,
    escalated: row.escalated === true || row.escalated === 1,
    reopened: row.reopened === true || row.reopened === 1,
    queueMs: row.queue_ms,
    workMs: row.work_ms,
  };
}

export function instanceFactFromRow(row: InstanceFactRow): InstanceFact {
  return {
    instanceId: row.instance_id,
    version: row.version,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status,
    userTasks: row.user_tasks,
    passUps: row.pass_ups,
    handOvers: row.hand_overs,
    escalations: row.escalations,
    resolver: row.resolver,
    resolverDepartment: row.resolver_department,
    customerWaitMs: row.customer_wait_ms,
    rating: row.rating,
  };
}

export function elementCountFromRow(row: ElementCountRow): ElementCount {
  return { version: row.version, elementId: row.element_id, kind: row.kind as ElementCount['kind'], count: row.count };
}
