import type pg from 'pg';

import { isLang } from '../../i18n/languages.js';
import { DEFAULT_NOTIFICATION_SETTINGS, NOTIFICATION_KINDS, type NotificationSettings } from '../../notifications/notification.js';
import type { UserPreferences } from '../../users/preference.js';
import type { PreferenceStore } from '../../users/preference.store.js';
import { iso, query } from './pg-pool.js';

interface PreferenceRow extends Record<string, unknown> {
  username: string;
  lang: string | null;
  email: string | null;
  notifications: Partial<NotificationSettings>;
  updated_at: Date;
}

export class PgPreferenceStore implements PreferenceStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(username: string): Promise<UserPreferences | null> {
    const row = (await query<PreferenceRow>(this.pool, 'SELECT username, lang, email, notifications, updated_at FROM user_preferences WHERE username = $1', [username])).rows[0];
    if (!row) return null;
    // A kind added after the row was written gets its default.
    const notifications = Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, { ...DEFAULT_NOTIFICATION_SETTINGS[kind], ...row.notifications[kind] }])) as NotificationSettings;
    return { username: row.username, lang: isLang(row.lang) ? row.lang : null, email: row.email, notifications, updatedAt: iso(row.updated_at) };
  }

  async put(preferences: UserPreferences): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO user_preferences (username, lang, email, notifications, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO UPDATE SET lang = excluded.lang, email = excluded.email, notifications = excluded.notifications, updated_at = excluded.updated_at`,
      [preferences.username, preferences.lang, preferences.email, JSON.stringify(preferences.notifications), preferences.updatedAt ?? new Date(0).toISOString()],
    );
  }
}
