import type pg from 'pg';

import type { ExternalTaskRecord, LockRequest } from '../../external-tasks/external-task.js';
import type { ExternalTaskStore } from '../../external-tasks/external-task.store.js';
import { inTransaction, iso, isoOrNull, query, type Queryable } from './pg-pool.js';

interface ExternalTaskRow extends Record<string, unknown> {
  id: string;
  instance_id: string;
  execution_id: string;
  element_id: string;
  topic: string;
  process_key: string;
  ticket_number: string;
  business_key: string | null;
  status: ExternalTaskRecord['status'];
  kind: ExternalTaskRecord['kind'];
  child_instance_id: string | null;
  input: Record<string, unknown>;
  headers: Record<string, string>;
  retries: number | null;
  error_message: string | null;
  worker_id: string | null;
  lock_expires_at: Date | null;
  available_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, instance_id, execution_id, element_id, topic, process_key, ticket_number, business_key, status, kind, child_instance_id, input, headers, retries, error_message, worker_id, lock_expires_at, available_at, created_at, updated_at';

export class PgExternalTaskStore implements ExternalTaskStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(id: string): Promise<ExternalTaskRecord | null> {
    const row = (await query<ExternalTaskRow>(this.pool, `SELECT ${COLUMNS} FROM external_tasks WHERE id = $1`, [id])).rows[0];
    return row === undefined ? null : toRecord(row);
  }

  async byChild(childInstanceId: string): Promise<ExternalTaskRecord | null> {
    const result = await query<ExternalTaskRow>(this.pool, `SELECT ${COLUMNS} FROM external_tasks WHERE child_instance_id = $1 ORDER BY created_at DESC, pos DESC LIMIT 1`, [childInstanceId]);
    const row = result.rows[0];
    return row === undefined ? null : toRecord(row);
  }

  async forInstance(instanceId: string): Promise<ExternalTaskRecord[]> {
    const result = await query<ExternalTaskRow>(this.pool, `SELECT ${COLUMNS} FROM external_tasks WHERE instance_id = $1 ORDER BY created_at, pos`, [instanceId]);
    return result.rows.map(toRecord);
  }

  async listOpen(filter: { topic?: string; limit?: number }): Promise<ExternalTaskRecord[]> {
    // LIMIT NULL is LIMIT ALL.
    const result = await query<ExternalTaskRow>(this.pool, `SELECT ${COLUMNS} FROM external_tasks WHERE status = 'open' AND ($1::text IS NULL OR topic = $1) ORDER BY created_at, pos LIMIT $2`, [
      filter.topic ?? null,
      filter.limit ?? null,
    ]);
    return result.rows.map(toRecord);
  }

  /**
   * One transaction; per topic one statement that locks the free rows it picks (FOR UPDATE SKIP
   * LOCKED: a row another node is locking right now is skipped, and a row it locked meanwhile
   * fails the re-check of the conditions), so two workers never get the same task.
   */
  async lock(request: LockRequest): Promise<ExternalTaskRecord[]> {
    const now = request.now.toISOString();
    return inTransaction(this.pool, async (client) => {
      const locked: ExternalTaskRecord[] = [];
      for (const topic of request.topics) {
        const room = request.maxTasks - locked.length;
        if (room <= 0) break;
        const until = new Date(request.now.getTime() + topic.lockDurationMs).toISOString();
        const result = await client.query<ExternalTaskRow & { pos: number }>(
          `UPDATE external_tasks SET worker_id = $1, lock_expires_at = $2, updated_at = $3
            WHERE id IN (
              SELECT id FROM external_tasks
               WHERE status = 'open' AND kind = 'worker' AND topic = $4
                 AND (lock_expires_at IS NULL OR lock_expires_at <= $3::timestamptz)
                 AND (available_at IS NULL OR available_at <= $3::timestamptz)
               ORDER BY created_at, pos LIMIT $5
               FOR UPDATE SKIP LOCKED)
            RETURNING ${COLUMNS}, pos`,
          [request.workerId, until, now, topic.name, room],
        );
        // RETURNING has no order of its own: oldest first, as picked.
        const rows = [...result.rows].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.pos - b.pos);
        locked.push(...rows.map(toRecord));
      }
      return locked;
    });
  }

  async extendLock(id: string, workerId: string, until: Date, now: Date): Promise<ExternalTaskRecord | null> {
    const result = await query<ExternalTaskRow>(
      this.pool,
      `UPDATE external_tasks SET lock_expires_at = $1, updated_at = $2
        WHERE id = $3 AND status = 'open' AND worker_id = $4 AND lock_expires_at > $2::timestamptz
        RETURNING ${COLUMNS}`,
      [until.toISOString(), now.toISOString(), id, workerId],
    );
    const row = result.rows[0];
    return row === undefined ? null : toRecord(row);
  }

  /** In PgStore.commitStep's transaction: upserted by id, the lock columns as the record has them (as on SQLite). */
  async upsertIn(client: Queryable, task: ExternalTaskRecord): Promise<void> {
    await client.query({
      name: 'baton.externalTask.upsert',
      text: `INSERT INTO external_tasks (${COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, child_instance_id = excluded.child_instance_id, input = excluded.input,
               headers = excluded.headers, retries = excluded.retries, error_message = excluded.error_message, worker_id = excluded.worker_id,
               lock_expires_at = excluded.lock_expires_at, available_at = excluded.available_at, updated_at = excluded.updated_at`,
      values: [
        task.id,
        task.instanceId,
        task.executionId,
        task.elementId,
        task.topic,
        task.processKey,
        task.ticketNumber,
        task.businessKey,
        task.status,
        task.kind,
        task.childInstanceId,
        JSON.stringify(task.input),
        JSON.stringify(task.headers),
        task.retries,
        task.errorMessage,
        task.workerId,
        task.lockExpiresAt,
        task.availableAt,
        task.createdAt,
        task.updatedAt,
      ],
    });
  }
}

function toRecord(row: ExternalTaskRow): ExternalTaskRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    executionId: row.execution_id,
    elementId: row.element_id,
    topic: row.topic,
    processKey: row.process_key,
    ticketNumber: row.ticket_number,
    businessKey: row.business_key,
    status: row.status,
    kind: row.kind,
    childInstanceId: row.child_instance_id,
    input: row.input,
    headers: row.headers,
    retries: row.retries,
    errorMessage: row.error_message,
    workerId: row.worker_id,
    lockExpiresAt: isoOrNull(row.lock_expires_at),
    availableAt: isoOrNull(row.available_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
