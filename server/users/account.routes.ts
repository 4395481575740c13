import { Router, type Response } from 'express';

import { accountPatchSchema, type AccountSettings } from '../contracts/account.js';
import { LANG_COOKIE, type Lang } from '../i18n/languages.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import type { AccountService } from './account.service.js';
import type { UserPreferences } from './preference.js';

/** The language cookie the pages and the server read (not httpOnly: the pages read it too). */
export function setLangCookie(res: Response, lang: Lang | null, secure: boolean): void {
  if (lang === null) res.clearCookie(LANG_COOKIE, { path: '/' });
  else res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', secure, path: '/', maxAge: 365 * 86_400_000 });
}

function view(preferences: UserPreferences): AccountSettings {
  return { lang: preferences.lang, email: preferences.email, notifications: preferences.notifications };
}

/**
 * `/api/account` (also `/api/users/me`): the signed-in person's language and notification
 * settings. Saving a language sets the language cookie, so their pages follow it at once.
 */
export function accountRoutes(accounts: AccountService, secureCookies: boolean): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(view(await accounts.get(principalOf(req).username)));
  });
  router.patch('/', async (req, res) => {
    const patch = parseInput(accountPatchSchema, req.body ?? {}, 'account settings');
    const saved = await accounts.update(principalOf(req).username, patch);
    if (patch.lang !== undefined) setLangCookie(res, saved.lang, secureCookies || req.secure);
    res.json(view(saved));
  });
  return router;
}
