import type Database from 'better-sqlite3';

import { isLang } from '../../i18n/languages.js';
import { DEFAULT_NOTIFICATION_SETTINGS, NOTIFICATION_KINDS, type NotificationSettings } from '../../notifications/notification.js';
import type { UserPreferences } from '../../users/preference.js';
import type { PreferenceStore } from '../../users/preference.store.js';
import { fromJson, toJson } from './sqlite-query.js';

interface PreferenceRow {
  username: string;
  lang: string | null;
  email: string | null;
  notifications: string;
  updated_at: string;
}

export class SqlitePreferenceStore implements PreferenceStore {
  private readonly select: Database.Statement<[string], PreferenceRow>;
  private readonly upsert: Database.Statement<[PreferenceRow]>;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT username, lang, email, notifications, updated_at FROM user_preferences WHERE username = ?');
    this.upsert = db.prepare(
      `INSERT INTO user_preferences (username, lang, email, notifications, updated_at) VALUES (@username, @lang, @email, @notifications, @updated_at)
       ON CONFLICT (username) DO UPDATE SET lang = excluded.lang, email = excluded.email, notifications = excluded.notifications, updated_at = excluded.updated_at`,
    );
  }

  async get(username: string): Promise<UserPreferences | null> {
    const row = this.select.get(username);
    if (!row) return null;
    const stored = fromJson<Partial<NotificationSettings>>(row.notifications);
    // A kind added after the row was written gets its default.
    const notifications = Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, { ...DEFAULT_NOTIFICATION_SETTINGS[kind], ...stored[kind] }])) as NotificationSettings;
    return { username: row.username, lang: isLang(row.lang) ? row.lang : null, email: row.email, notifications, updatedAt: row.updated_at };
  }

  async put(preferences: UserPreferences): Promise<void> {
    this.upsert.run({
      username: preferences.username,
      lang: preferences.lang,
      email: preferences.email,
      notifications: toJson(preferences.notifications),
      updated_at: preferences.updatedAt ?? new Date(0).toISOString(),
    });
  }
}
