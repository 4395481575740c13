import type Database from 'better-sqlite3';

import type { NotificationData, NotificationKind, NotificationRecord } from '../../notifications/notification.js';
import type { NotificationStore } from '../../notifications/notification.store.js';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { SqliteOutboxStore } from './sqlite-outbox.store.js';
import { fromJson, toJson } from './sqlite-query.js';

interface NotificationRow {
  id: string;
  username: string;
  kind: string;
  instance_id: string | null;
  ticket_number: string | null;
  task_id: string | null;
  data: string;
  dedupe_key: string;
  browser: number;
  created_at: string;
  read_at: string | null;
}

const COLUMNS = 'id, username, kind, instance_id, ticket_number, task_id, data, dedupe_key, browser, created_at, read_at';

export class SqliteNotificationStore implements NotificationStore {
  private readonly insertRow: Database.Statement<[NotificationRow]>;
  private readonly page: Database.Statement<[string, string, number], NotificationRow>;
  private readonly unread: Database.Statement<[string], { n: number }>;
  private readonly readAll: Database.Statement<[string, string]>;
  private readonly readOne: Database.Statement<[string, string, string]>;
  private readonly addAll: Database.Transaction<(notifications: NotificationRecord[], emails: Map<string, OutboxMessage>) => NotificationRecord[]>;
  private readonly readSome: Database.Transaction<(username: string, ids: string[], at: string) => number>;

  constructor(db: Database.Database, outbox: SqliteOutboxStore) {
    this.insertRow = db.prepare(
      `INSERT INTO notifications (${COLUMNS})
       VALUES (@id, @username, @kind, @instance_id, @ticket_number, @task_id, @data, @dedupe_key, @browser, @created_at, @read_at)
       ON CONFLICT (username, dedupe_key) DO NOTHING`,
    );
    this.page = db.prepare(
      `SELECT ${COLUMNS} FROM notifications WHERE username = ? AND browser = 1 AND created_at < ?
       ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    );
    this.unread = db.prepare('SELECT count(*) AS n FROM notifications WHERE username = ? AND browser = 1 AND read_at IS NULL');
    this.readAll = db.prepare('UPDATE notifications SET read_at = ? WHERE username = ? AND browser = 1 AND read_at IS NULL');
    this.readOne = db.prepare('UPDATE notifications SET read_at = ? WHERE username = ? AND id = ? AND browser = 1 AND read_at IS NULL');
    this.addAll = db.transaction((notifications, emails) => {
      const added: NotificationRecord[] = [];
      for (const notification of notifications) {
        if (this.insertRow.run(toRow(notification)).changes === 0) continue;
        added.push(notification);
        const email = emails.get(notification.id);
        if (email) outbox.insertSync(email);
      }
      return added;
    });
    this.readSome = db.transaction((username, ids, at) => ids.reduce((sum, id) => sum + this.readOne.run(at, username, id).changes, 0));
  }

  async add(notifications: NotificationRecord[], emails: Map<string, OutboxMessage>): Promise<NotificationRecord[]> {
    return this.addAll(notifications, emails);
  }

  async list(username: string, options: { limit: number; before?: string }): Promise<NotificationRecord[]> {
    // '\uffff' sorts after every ISO time: no `before` means from the newest.
    return this.page.all(username, options.before ?? '\uffff', options.limit).map(toRecord);
  }

  async unreadCount(username: string): Promise<number> {
    return this.unread.get(username)?.n ?? 0;
  }

  async markRead(username: string, ids: string[] | null, at: string): Promise<number> {
    return ids === null ? this.readAll.run(at, username).changes : this.readSome(username, ids, at);
  }
}

function toRow(record: NotificationRecord): NotificationRow {
  return {
    id: record.id,
    username: record.username,
    kind: record.kind,
    instance_id: record.instanceId,
    ticket_number: record.ticketNumber,
    task_id: record.taskId,
    data: toJson(record.data),
    dedupe_key: record.dedupeKey,
    browser: record.browser ? 1 : 0,
    created_at: record.createdAt,
    read_at: record.readAt,
  };
}

function toRecord(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    username: row.username,
    kind: row.kind as NotificationKind,
    instanceId: row.instance_id,
    ticketNumber: row.ticket_number,
    taskId: row.task_id,
    data: fromJson<NotificationData>(row.data),
    dedupeKey: row.dedupe_key,
    browser: row.browser === 1,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}
