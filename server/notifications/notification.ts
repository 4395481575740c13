/**
 * Staff notifications: what happened to a person's work that they should know of, shown in the
 * browser (a badge and a list) and sent by email, each kind switchable per user per channel.
 */
import type { Channels, NotificationSettings } from '../contracts/account.js';
import { NOTIFICATION_KINDS, type NotificationKind } from '../contracts/lists.js';

export { NOTIFICATION_KINDS, type Channels, type NotificationKind, type NotificationSettings };

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === 'string' && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** Everything in the browser; by email what needs acting on (a new item in the queue is not mailed). */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  assigned: { browser: true, email: true },
  queue: { browser: true, email: false },
  'sla-at-risk': { browser: true, email: true },
  'sla-breached': { browser: true, email: true },
  'customer-replied': { browser: true, email: true },
};

/** Values a notification's text is made of (task name, who, department...): texts are translated when shown. */
export type NotificationData = Record<string, string | number | null>;

/** A notification as its recipient sees it (API and live events). */
export type NotificationView = Omit<NotificationRecord, 'username' | 'dedupeKey' | 'browser'>;

export function notificationView(record: NotificationRecord): NotificationView {
  const { username: _u, dedupeKey: _d, browser: _b, ...view } = record;
  return view;
}

export interface NotificationRecord {
  id: string;
  /** The recipient (usernames name people in audit events and live rooms too). */
  username: string;
  kind: NotificationKind;
  instanceId: string | null;
  ticketNumber: string | null;
  taskId: string | null;
  data: NotificationData;
  /** One notification per recipient and key: a step retried or a sweep run twice tells once. */
  dedupeKey: string;
  /** Shown in the browser list (the recipient's setting when it was made). */
  browser: boolean;
  createdAt: string;
  readAt: string | null;
}
