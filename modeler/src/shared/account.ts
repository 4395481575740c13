/**
 * The signed-in person's own settings (`/api/account`): their language follows them to every
 * browser and into the emails Baton sends them; their notification choices.
 */
import type { AccountPatchBody, AccountSettings } from '../../../server/contracts/account.js';
import { json } from './api.js';
import { languagePicker } from './i18n.js';

export type { AccountSettings };

export const accountApi = {
  get: () => json<AccountSettings>('GET', '/api/account'),
  update: (patch: AccountPatchBody) => json<AccountSettings>('PATCH', '/api/account', { json: patch }),
};

/** The language picker of a signed-in page: the choice is saved on the account too. */
export function accountLanguagePicker(): HTMLSelectElement {
  return languagePicker({ save: (lang) => accountApi.update({ lang }) });
}
