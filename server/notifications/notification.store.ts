import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { NotificationRecord } from './notification.js';

export interface NotificationStore {
  /**
   * Inserts the notifications whose (username, dedupeKey) is new, with the emails that belong to
   * them (`emailOf` by notification id), in one transaction; returns those inserted. A duplicate
   * and its email are skipped.
   */
  add(notifications: NotificationRecord[], emails: Map<string, OutboxMessage>): Promise<NotificationRecord[]>;
  /** A user's browser notifications, newest first; `before` (a createdAt) pages back. */
  list(username: string, options: { limit: number; before?: string }): Promise<NotificationRecord[]>;
  unreadCount(username: string): Promise<number>;
  /** Marks the user's own unread browser notifications read (`ids` null: all); returns how many changed. */
  markRead(username: string, ids: string[] | null, at: string): Promise<number>;
}
