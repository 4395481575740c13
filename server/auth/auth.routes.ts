import { Router, type Request, type Response } from 'express';

import { passwordChangeSchema, signInSchema } from '../contracts/auth.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../http/cookies.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import { setLangCookie } from '../users/account.routes.js';
import type { AccountService } from '../users/account.service.js';
import type { UserStore } from '../users/user.store.js';
import { userView } from '../users/user.js';
import type { AuthService } from './auth.service.js';
import type { UserService } from '../users/user.service.js';

/** The client's address: behind a trusted proxy (BATON_TRUST_PROXY) the one it forwarded. */
function address(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Sign-in routes: reachable without a session (they create one). */
export function publicAuthRoutes(auth: AuthService, accounts: AccountService, secureCookies = false): Router {
  const router = Router();

  /** Browser sign-in: an httpOnly SameSite=Lax session cookie, and the CSRF token for the x-csrf-token header. */
  router.post('/login', async (req, res) => {
    const { username, password } = parseInput(signInSchema, req.body ?? {}, 'sign-in');
    const { secret, credential, user } = await auth.signIn(username, password, address(req), 'session');
    const secure = secureCookies || req.secure;
    res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: new Date(credential.expiresAt) });
    // The person's saved language follows them to this browser.
    const { lang } = await accounts.get(user.username);
    if (lang) setLangCookie(res, lang, secure);
    res.json({ user: userView(user), csrfToken: credential.csrfToken, csrfHeader: CSRF_HEADER, expiresAt: credential.expiresAt });
  });

  /** Programs: a bearer token for `Authorization: Bearer`; shown once, only its hash is kept. */
  router.post('/token', async (req, res) => {
    const { username, password } = parseInput(signInSchema, req.body ?? {}, 'token request');
    const { secret, credential } = await auth.signIn(username, password, address(req), 'token');
    res.status(201).json({ token: secret, id: credential.id, expiresAt: credential.expiresAt });
  });

  return router;
}

/** Routes for a signed-in caller. */
export function authRoutes(auth: AuthService, users: UserStore, people: UserService): Router {
  const router = Router();

  /** One's own password: the current one is required; other sign-ins end, this one stays. */
  router.post('/password', async (req, res) => {
    const { currentPassword, newPassword } = parseInput(passwordChangeSchema, req.body ?? {}, 'password change');
    await people.changeOwnPassword(principalOf(req), currentPassword, newPassword);
    res.status(204).end();
  });

  router.get('/me', async (req, res) => {
    const principal = principalOf(req);
    const user = await users.get(principal.userId);
    res.json({ user: user ? userView(user) : null, csrfToken: principal.csrfToken, via: principal.via });
  });

  router.post('/logout', async (req, res) => {
    await signOut(auth, req, res);
  });

  /** Revokes the bearer token (or session) the request came with. */
  router.delete('/token', async (req, res) => {
    await signOut(auth, req, res);
  });

  return router;
}

async function signOut(auth: AuthService, req: Request, res: Response): Promise<void> {
  const principal = principalOf(req);
  await auth.revoke(principal.credentialId, principal.userId);
  if (principal.via === 'session') res.clearCookie(SESSION_COOKIE, { path: '/' });
  res.status(204).end();
}
