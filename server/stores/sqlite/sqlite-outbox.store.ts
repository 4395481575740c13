import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { OutboxState, OutboxStore } from '../../outbox/outbox.store.js';
import { fromJson, toJson } from './sqlite-query.js';

interface OutboxRow {
  id: string;
  instance_id: string;
  idempotency_key: string;
  channel: string;
  payload: string;
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

const OUTBOX_COLUMNS = `id, instance_id, idempotency_key, channel, payload, created_at, sent_at,
  attempts, last_error`;

export class SqliteOutboxStore implements OutboxStore {
  private readonly unsent: Database.Statement<[number, number], OutboxRow>;
  private readonly ofInstance: Database.Statement<[string], OutboxRow>;
  private readonly setSent: Database.Statement<[string, string]>;
  private readonly setFailed: Database.Statement<[string, string]>;
  private readonly insertRow: Database.Statement<[OutboxRow]>;
  private readonly byState: Record<OutboxState, Database.Statement<[number], OutboxRow>>;
  private readonly byId: Database.Statement<[string], OutboxRow>;
  private readonly reset: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.unsent = db.prepare(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE sent_at IS NULL AND attempts < ?
       ORDER BY created_at, rowid LIMIT ?`,
    );
    this.ofInstance = db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE instance_id = ? ORDER BY created_at, rowid`);
    // A successful send is an attempt too, so `attempts` counts every delivery try.
    this.setSent = db.prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?');
    this.setFailed = db.prepare('UPDATE outbox SET last_error = ?, attempts = attempts + 1 WHERE id = ?');
    const listed = (where: string) => db.prepare<[number], OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`);
    this.byState = {
      pending: listed('sent_at IS NULL AND last_error IS NULL'),
      failed: listed('sent_at IS NULL AND last_error IS NOT NULL'),
      sent: listed('sent_at IS NOT NULL'),
    };
    this.byId = db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE id = ?`);
    this.reset = db.prepare('UPDATE outbox SET attempts = 0, last_error = NULL WHERE id = ? AND sent_at IS NULL');
    // ON CONFLICT on the key alone, not INSERT OR IGNORE: OR IGNORE would also silently drop a
    // row that breaks NOT NULL, and a malformed message must fail the step instead.
    this.insertRow = db.prepare(
      `INSERT INTO outbox (${OUTBOX_COLUMNS})
       VALUES (@id, @instance_id, @idempotency_key, @channel, @payload, @created_at, @sent_at,
         @attempts, @last_error)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
  }

  async pending(limit: number, maxAttempts?: number): Promise<OutboxMessage[]> {
    // One statement for both cases: without a cap, no row's attempts reach the bound.
    return this.unsent.all(maxAttempts ?? Number.MAX_SAFE_INTEGER, limit).map(toMessage);
  }

  async forInstance(instanceId: string): Promise<OutboxMessage[]> {
    return this.ofInstance.all(instanceId).map(toMessage);
  }

  async markSent(id: string, at: Date): Promise<void> {
    if (this.setSent.run(at.toISOString(), id).changes === 0) {
      throw new NotFoundError(`outbox message ${id} not found`);
    }
  }

  async markFailed(id: string, error: string): Promise<void> {
    if (this.setFailed.run(error, id).changes === 0) {
      throw new NotFoundError(`outbox message ${id} not found`);
    }
  }

  async list(state: OutboxState, limit: number): Promise<OutboxMessage[]> {
    return this.byState[state].all(limit).map(toMessage);
  }

  async resend(id: string): Promise<OutboxMessage> {
    const row = this.byId.get(id);
    if (!row) throw new NotFoundError(`Outbox message ${id} does not exist`);
    if (row.sent_at !== null) throw new ConflictError(`Outbox message ${id} was sent already (${row.sent_at})`);
    this.reset.run(id);
    return toMessage({ ...row, attempts: 0, last_error: null });
  }

  /** Called only inside SqliteStore.commitStep's transaction; a known idempotency key is skipped. */
  insertSync(message: OutboxMessage): void {
    this.insertRow.run(toRow(message));
  }
}

function toRow(message: OutboxMessage): OutboxRow {
  return {
    id: message.id,
    instance_id: message.instanceId,
    idempotency_key: message.idempotencyKey,
    channel: message.channel,
    payload: toJson(message.payload),
    created_at: message.createdAt,
    sent_at: message.sentAt,
    attempts: message.attempts,
    last_error: message.lastError,
  };
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    instanceId: row.instance_id,
    idempotencyKey: row.idempotency_key,
    channel: row.channel as OutboxMessage['channel'],
    payload: fromJson<Record<string, unknown>>(row.payload),
    createdAt: row.created_at,
    sentAt: row.sent_at,
    attempts: row.attempts,
    lastError: row.last_error,
  };
}
