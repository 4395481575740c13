import type { RequestHandler } from 'express';

import type { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { sameText } from '../auth/secrets.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './cookies.js';
import { setPrincipal } from './principal.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The secret a request or handshake carries: a bearer token first, else the session cookie. */
export function presentedSecret(authorization: string | undefined, cookieHeader: string | undefined): { secret: string; via: 'token' | 'session' } | null {
  const [, bearer] = /^Bearer\s+(\S+)$/i.exec(authorization ?? '') ?? [];
  if (bearer) return { secret: bearer, via: 'token' };
  const cookie = readCookie(cookieHeader, SESSION_COOKIE);
  return cookie ? { secret: cookie, via: 'session' } : null;
}

export async function principalFor(auth: AuthService, presented: { secret: string; via: 'token' | 'session' } | null): Promise<Principal | null> {
  if (!presented) return null;
  const principal = await auth.authenticate(presented.secret);
  // A session secret sent as a bearer token (or the reverse) is refused: each has its own protections.
  return principal && principal.via === presented.via ? principal : null;
}

/**
 * Every API route behind this needs a signed-in caller: 401 otherwise. A state-changing request
 * authenticated by the session cookie must also carry the session's CSRF token in x-csrf-token
 * (double submit): a cross-site form can send the cookie but cannot read the token.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const principal = await principalFor(auth, presentedSecret(req.headers.authorization, req.headers.cookie));
    if (!principal) return next(new UnauthenticatedError('Sign in first (session cookie or Authorization: Bearer <token>)'));
    if (principal.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.get(CSRF_HEADER) ?? '';
      if (!principal.csrfToken || !sameText(sent, principal.csrfToken)) {
        return next(new ForbiddenError(`A state-changing request with the session cookie needs the ${CSRF_HEADER} header from sign-in`));
      }
    }
    setPrincipal(req, principal);
    next();
  };
}
