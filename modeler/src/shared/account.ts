/**
 * The signed-in person's own settings (`/api/account`): their language follows them to every
 * browser and into the emails Baton sends them; their notification choices.
 */
import type { NotificationSettings } from '../../../server/notifications/notification.js';
import type { Lang } from '../../../server/i18n/languages.js';
import { json } from './api.js';
import { languagePicker } from './i18n.js';

export interface AccountSettings {
  lang: Lang | null;
  email: string | null;
  notifications: NotificationSettings;
}

export const accountApi = {
  get: () => json<AccountSettings>('GET', '/api/account'),
  update: (patch: { lang?: Lang | null; email?: string | null; notifications?: Partial<Record<keyof NotificationSettings, { browser?: boolean; email?: boolean }>> }) =>
    json<AccountSettings>('PATCH', '/api/account', { json: patch }),
};

/** The language picker of a signed-in page: the choice is saved on the account too. */
export function accountLanguagePicker(): HTMLSelectElement {
  return languagePicker({ save: (lang) => accountApi.update({ lang }) });
}
