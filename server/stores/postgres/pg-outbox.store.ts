import type pg from 'pg';

import { ConflictError, NotFoundError } from '../../errors.js';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { OutboxState, OutboxStore } from '../../outbox/outbox.store.js';
import { iso, isoOrNull, query, type Queryable } from './pg-pool.js';

interface OutboxRow extends Record<string, unknown> {
  id: string;
  instance_id: string;
  idempotency_key: string;
  channel: string;
  payload: Record<string, unknown>;
  created_at: Date;
  sent_at: Date | null;
  attempts: number;
  last_error: string | null;
}

const COLUMNS = 'id, instance_id, idempotency_key, channel, payload, created_at, sent_at, attempts, last_error';

export class PgOutboxStore implements OutboxStore {
  constructor(private readonly pool: pg.Pool) {}

  async pending(limit: number, maxAttempts?: number): Promise<OutboxMessage[]> {
    const result = await query<OutboxRow>(this.pool, {
      name: 'baton.outbox.pending',
      text: `SELECT ${COLUMNS} FROM outbox WHERE sent_at IS NULL AND ($1::int IS NULL OR attempts < $1)
             ORDER BY created_at, pos LIMIT $2`,
      values: [maxAttempts ?? null, limit],
    });
    return result.rows.map(toMessage);
  }

  async forInstance(instanceId: string): Promise<OutboxMessage[]> {
    const result = await query<OutboxRow>(this.pool, `SELECT ${COLUMNS} FROM outbox WHERE instance_id = $1 ORDER BY created_at, pos`, [instanceId]);
    return result.rows.map(toMessage);
  }

  async markSent(id: string, at: Date): Promise<void> {
    // A successful send is an attempt too, so `attempts` counts every delivery try.
    const result = await query(this.pool, 'UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2', [at.toISOString(), id]);
    if (result.rowCount === 0) throw new NotFoundError(`outbox message ${id} not found`);
  }

  async markFailed(id: string, error: string): Promise<void> {
    const result = await query(this.pool, 'UPDATE outbox SET last_error = $1, attempts = attempts + 1 WHERE id = $2', [error, id]);
    if (result.rowCount === 0) throw new NotFoundError(`outbox message ${id} not found`);
  }

  async list(state: OutboxState, limit: number): Promise<OutboxMessage[]> {
    const where = {
      pending: 'sent_at IS NULL AND last_error IS NULL',
      failed: 'sent_at IS NULL AND last_error IS NOT NULL',
      sent: 'sent_at IS NOT NULL',
    }[state];
    const result = await query<OutboxRow>(this.pool, `SELECT ${COLUMNS} FROM outbox WHERE ${where} ORDER BY created_at DESC, pos DESC LIMIT $1`, [limit]);
    return result.rows.map(toMessage);
  }

  /** One conditional statement, so a message sent meanwhile is not reset; a miss is then told apart. */
  async resend(id: string): Promise<OutboxMessage> {
    const reset = await query<OutboxRow>(this.pool, `UPDATE outbox SET attempts = 0, last_error = NULL WHERE id = $1 AND sent_at IS NULL RETURNING ${COLUMNS}`, [id]);
    const row = reset.rows[0];
    if (row) return toMessage(row);
    const found = (await query<OutboxRow>(this.pool, `SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id])).rows[0];
    if (!found) throw new NotFoundError(`Outbox message ${id} does not exist`);
    throw new ConflictError(`Outbox message ${id} was sent already (${isoOrNull(found.sent_at)})`);
  }

  /** In PgStore.commitStep's transaction; a known idempotency key is skipped (and only that: a NOT NULL breach still fails the step). */
  async insertIn(client: Queryable, message: OutboxMessage): Promise<void> {
    await client.query({
      name: 'baton.outbox.insert',
      text: `INSERT INTO outbox (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (idempotency_key) DO NOTHING`,
      values: [message.id, message.instanceId, message.idempotencyKey, message.channel, JSON.stringify(message.payload), message.createdAt, message.sentAt, message.attempts, message.lastError],
    });
  }
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    instanceId: row.instance_id,
    idempotencyKey: row.idempotency_key,
    channel: row.channel as OutboxMessage['channel'],
    payload: row.payload,
    createdAt: iso(row.created_at),
    sentAt: isoOrNull(row.sent_at),
    attempts: row.attempts,
    lastError: row.last_error,
  };
}
