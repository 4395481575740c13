import type { Clock } from '../clock.js';
import type { Lang } from '../i18n/languages.js';
import type { NotificationKind, Channels } from '../notifications/notification.js';
import { defaultPreferences, type UserPreferences } from './preference.js';
import type { PreferenceStore } from './preference.store.js';

export interface AccountPatch {
  /** null: no choice (pages follow the browser). */
  lang?: Lang | null;
  email?: string | null;
  notifications?: Partial<Record<NotificationKind, Partial<Channels>>>;
}

/** A signed-in person's own settings: language and notifications. */
export class AccountService {
  constructor(
    private readonly preferences: PreferenceStore,
    private readonly clock: Clock,
  ) {}

  async get(username: string): Promise<UserPreferences> {
    return (await this.preferences.get(username)) ?? defaultPreferences(username);
  }

  async update(username: string, patch: AccountPatch): Promise<UserPreferences> {
    const current = await this.get(username);
    const notifications = { ...current.notifications };
    for (const [kind, channels] of Object.entries(patch.notifications ?? {}) as [NotificationKind, Partial<Channels>][]) {
      notifications[kind] = { ...notifications[kind], ...channels };
    }
    const next: UserPreferences = {
      username,
      lang: patch.lang === undefined ? current.lang : patch.lang,
      email: patch.email === undefined ? current.email : patch.email,
      notifications,
      updatedAt: this.clock.now().toISOString(),
    };
    await this.preferences.put(next);
    return next;
  }
}
