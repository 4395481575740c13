import type { Lang } from '../i18n/languages.js';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../notifications/notification.js';

/** A signed-in person's own settings: their language (pages and emails) and their notifications. */
export interface UserPreferences {
  username: string;
  /** null: not chosen (pages follow the browser, emails are English). */
  lang: Lang | null;
  /** Where notification emails go; null: none are sent. */
  email: string | null;
  notifications: NotificationSettings;
  updatedAt: string | null;
}

export function defaultPreferences(username: string): UserPreferences {
  return { username, lang: null, email: null, notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS), updatedAt: null };
}
