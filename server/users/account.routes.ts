import { Router, type Response } from 'express';
import { z } from 'zod';

import { LANG_COOKIE, LANGUAGES, type Lang } from '../i18n/languages.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import { NOTIFICATION_KINDS } from '../notifications/notification.js';
import type { AccountService } from './account.service.js';
import type { UserPreferences } from './preference.js';

const channels = z.object({ browser: z.boolean().optional(), email: z.boolean().optional() }).strict();

export const accountPatchSchema = z
  .object({
    lang: z.enum(LANGUAGES).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    notifications: z.partialRecord(z.enum(NOTIFICATION_KINDS), channels).optional(),
  })
  .strict();

/** The language cookie the pages and the server read (not httpOnly: the pages read it too). */
export function setLangCookie(res: Response, lang: Lang | null, secure: boolean): void {
  if (lang === null) res.clearCookie(LANG_COOKIE, { path: '/' });
  else res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', secure, path: '/', maxAge: 365 * 86_400_000 });
}

function view(preferences: UserPreferences) {
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
