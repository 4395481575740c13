/**
 * A notification in words, in one language: the list in the browser and the email say the same.
 * Browser-safe (no Node imports): the pages word notifications with their own `t`.
 */
import type { Translate } from '../i18n/languages.js';
import type { NotificationRecord } from './notification.js';

export function notificationText(notification: Pick<NotificationRecord, 'kind' | 'ticketNumber' | 'data'>, t: Translate, formatTime: (iso: string) => string): string {
  const data = notification.data;
  const due = typeof data['due'] === 'string' ? formatTime(data['due']) : '';
  return t(`notifications:kind.${notification.kind}`, { ...data, due, ticketNumber: notification.ticketNumber ?? '' });
}
