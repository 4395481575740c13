import { randomBytes } from 'node:crypto';

/** A status token: 32 random bytes, base64url (43 characters). The link is the only way in. */
export function newStatusToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up: a database leak gives no working links. Hashed as sessions and tokens are. */
export { secretHash as hashStatusToken } from '../auth/secrets.js';

/** Shape check before any lookup: anything else cannot be a token. */
export function looksLikeToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
