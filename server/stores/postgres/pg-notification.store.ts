import type pg from 'pg';

import type { NotificationData, NotificationKind, NotificationRecord } from '../../notifications/notification.js';
import type { NotificationStore } from '../../notifications/notification.store.js';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { PgOutboxStore } from './pg-outbox.store.js';
import { inTransaction, iso, isoOrNull, query } from './pg-pool.js';

interface NotificationRow extends Record<string, unknown> {
  id: string;
  username: string;
  kind: string;
  instance_id: string | null;
  ticket_number: string | null;
  task_id: string | null;
  data: NotificationData;
  dedupe_key: string;
  browser: boolean;
  created_at: Date;
  read_at: Date | null;
}

const COLUMNS = 'id, username, kind, instance_id, ticket_number, task_id, data, dedupe_key, browser, created_at, read_at';

export class PgNotificationStore implements NotificationStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly outbox: PgOutboxStore,
  ) {}

  /** One transaction: a notification is stored with its email or not at all; a duplicate skips both. */
  async add(notifications: NotificationRecord[], emails: Map<string, OutboxMessage>): Promise<NotificationRecord[]> {
    return inTransaction(this.pool, async (client) => {
      const added: NotificationRecord[] = [];
      for (const record of notifications) {
        const result = await client.query(`INSERT INTO notifications (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (username, dedupe_key) DO NOTHING`, [
          record.id,
          record.username,
          record.kind,
          record.instanceId,
          record.ticketNumber,
          record.taskId,
          JSON.stringify(record.data),
          record.dedupeKey,
          record.browser,
          record.createdAt,
          record.readAt,
        ]);
        if (result.rowCount === 0) continue;
        added.push(record);
        const email = emails.get(record.id);
        if (email) await this.outbox.insertIn(client, email);
      }
      return added;
    });
  }

  async list(username: string, options: { limit: number; before?: string }): Promise<NotificationRecord[]> {
    const rows = options.before
      ? await query<NotificationRow>(this.pool, `SELECT ${COLUMNS} FROM notifications WHERE username = $1 AND browser AND created_at < $2 ORDER BY created_at DESC, pos DESC LIMIT $3`, [
          username,
          options.before,
          options.limit,
        ])
      : await query<NotificationRow>(this.pool, `SELECT ${COLUMNS} FROM notifications WHERE username = $1 AND browser ORDER BY created_at DESC, pos DESC LIMIT $2`, [username, options.limit]);
    return rows.rows.map(toRecord);
  }

  async unreadCount(username: string): Promise<number> {
    const row = (await query<{ n: string }>(this.pool, 'SELECT count(*) AS n FROM notifications WHERE username = $1 AND browser AND read_at IS NULL', [username])).rows[0];
    return Number(row?.n ?? 0);
  }

  async markRead(username: string, ids: string[] | null, at: string): Promise<number> {
    const result =
      ids === null
        ? await query(this.pool, 'UPDATE notifications SET read_at = $1 WHERE username = $2 AND browser AND read_at IS NULL', [at, username])
        : await query(this.pool, 'UPDATE notifications SET read_at = $1 WHERE username = $2 AND id = ANY($3) AND browser AND read_at IS NULL', [at, username, ids]);
    return result.rowCount ?? 0;
  }
}

function toRecord(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    username: row.username,
    kind: row.kind as NotificationKind,
    instanceId: row.instance_id,
    ticketNumber: row.ticket_number,
    taskId: row.task_id,
    data: row.data,
    dedupeKey: row.dedupe_key,
    browser: row.browser,
    createdAt: iso(row.created_at),
    readAt: isoOrNull(row.read_at),
  };
}
