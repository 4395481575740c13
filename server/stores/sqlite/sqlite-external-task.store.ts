import type Database from 'better-sqlite3';

import type { ExternalTaskRecord, LockRequest } from '../../external-tasks/external-task.js';
import type { ExternalTaskStore } from '../../external-tasks/external-task.store.js';

interface ExternalTaskRow {
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
  input: string;
  headers: string;
  retries: number | null;
  error_message: string | null;
  worker_id: string | null;
  lock_expires_at: string | null;
  available_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS =
  'id, instance_id, execution_id, element_id, topic, process_key, ticket_number, business_key, status, kind, child_instance_id, input, headers, retries, error_message, worker_id, lock_expires_at, available_at, created_at, updated_at';

export class SqliteExternalTaskStore implements ExternalTaskStore {
  private readonly byId: Database.Statement<[string], ExternalTaskRow>;
  private readonly byInstance: Database.Statement<[string], ExternalTaskRow>;
  private readonly byChildRow: Database.Statement<[string], ExternalTaskRow>;
  private readonly open: Database.Statement<{ topic: string | null; limit: number }, ExternalTaskRow>;
  private readonly lockable: Database.Statement<{ topic: string; now: string; limit: number }, ExternalTaskRow>;
  private readonly setLock: Database.Statement<{ id: string; workerId: string; until: string; now: string }>;
  private readonly upsert: Database.Statement<ExternalTaskRow>;
  private readonly lockTransaction: Database.Transaction<(request: LockRequest) => ExternalTaskRow[]>;

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM external_tasks WHERE id = ?`);
    this.byInstance = db.prepare(`SELECT ${COLUMNS} FROM external_tasks WHERE instance_id = ? ORDER BY created_at, rowid`);
    this.byChildRow = db.prepare(`SELECT ${COLUMNS} FROM external_tasks WHERE child_instance_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`);
    this.open = db.prepare(`SELECT ${COLUMNS} FROM external_tasks WHERE status = 'open' AND (@topic IS NULL OR topic = @topic) ORDER BY created_at, rowid LIMIT @limit`);
    // ISO times in UTC compare as text.
    this.lockable = db.prepare(
      `SELECT ${COLUMNS} FROM external_tasks
        WHERE status = 'open' AND kind = 'worker' AND topic = @topic
          AND (lock_expires_at IS NULL OR lock_expires_at <= @now)
          AND (available_at IS NULL OR available_at <= @now)
        ORDER BY created_at, rowid LIMIT @limit`,
    );
    this.setLock = db.prepare(`UPDATE external_tasks SET worker_id = @workerId, lock_expires_at = @until, updated_at = @now WHERE id = @id`);
    this.upsert = db.prepare(
      `INSERT INTO external_tasks (${COLUMNS}) VALUES (@id, @instance_id, @execution_id, @element_id, @topic, @process_key, @ticket_number, @business_key, @status, @kind, @child_instance_id, @input, @headers, @retries, @error_message, @worker_id, @lock_expires_at, @available_at, @created_at, @updated_at)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, child_instance_id = excluded.child_instance_id, input = excluded.input, headers = excluded.headers, retries = excluded.retries,
         error_message = excluded.error_message, worker_id = excluded.worker_id, lock_expires_at = excluded.lock_expires_at,
         available_at = excluded.available_at, updated_at = excluded.updated_at`,
    );
    this.lockTransaction = db.transaction((request: LockRequest) => {
      const now = request.now.toISOString();
      const locked: ExternalTaskRow[] = [];
      for (const topic of request.topics) {
        const room = request.maxTasks - locked.length;
        if (room <= 0) break;
        const until = new Date(request.now.getTime() + topic.lockDurationMs).toISOString();
        for (const row of this.lockable.all({ topic: topic.name, now, limit: room })) {
          this.setLock.run({ id: row.id, workerId: request.workerId, until, now });
          locked.push({ ...row, worker_id: request.workerId, lock_expires_at: until, updated_at: now });
        }
      }
      return locked;
    });
  }

  async get(id: string): Promise<ExternalTaskRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toRecord(row);
  }

  async byChild(childInstanceId: string): Promise<ExternalTaskRecord | null> {
    const row = this.byChildRow.get(childInstanceId);
    return row === undefined ? null : toRecord(row);
  }

  async forInstance(instanceId: string): Promise<ExternalTaskRecord[]> {
    return this.byInstance.all(instanceId).map(toRecord);
  }

  async listOpen(filter: { topic?: string; limit?: number }): Promise<ExternalTaskRecord[]> {
    return this.open.all({ topic: filter.topic ?? null, limit: filter.limit ?? -1 }).map(toRecord);
  }

  async lock(request: LockRequest): Promise<ExternalTaskRecord[]> {
    // IMMEDIATE: another node's fetch waits for this one instead of locking the same rows.
    return this.lockTransaction.immediate(request).map(toRecord);
  }

  async extendLock(id: string, workerId: string, until: Date, now: Date): Promise<ExternalTaskRecord | null> {
    const result = this.db
      .prepare(
        `UPDATE external_tasks SET lock_expires_at = @until, updated_at = @now
          WHERE id = @id AND status = 'open' AND worker_id = @workerId AND lock_expires_at > @now`,
      )
      .run({ id, workerId, until: until.toISOString(), now: now.toISOString() });
    return result.changes === 0 ? null : this.get(id);
  }

  /** Inside the step's transaction. */
  upsertSync(task: ExternalTaskRecord): void {
    this.upsert.run(toRow(task));
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
    input: JSON.parse(row.input) as Record<string, unknown>,
    headers: JSON.parse(row.headers) as Record<string, string>,
    retries: row.retries,
    errorMessage: row.error_message,
    workerId: row.worker_id,
    lockExpiresAt: row.lock_expires_at,
    availableAt: row.available_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(task: ExternalTaskRecord): ExternalTaskRow {
  return {
    id: task.id,
    instance_id: task.instanceId,
    execution_id: task.executionId,
    element_id: task.elementId,
    topic: task.topic,
    process_key: task.processKey,
    ticket_number: task.ticketNumber,
    business_key: task.businessKey,
    status: task.status,
    kind: task.kind,
    child_instance_id: task.childInstanceId,
    input: JSON.stringify(task.input),
    headers: JSON.stringify(task.headers),
    retries: task.retries,
    error_message: task.errorMessage,
    worker_id: task.workerId,
    lock_expires_at: task.lockExpiresAt,
    available_at: task.availableAt,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}
