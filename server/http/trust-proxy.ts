/**
 * `BATON_TRUST_PROXY`: which reverse proxies (a TLS terminator, a load balancer) may say who the
 * client is (`X-Forwarded-For`) and that it came over https (`X-Forwarded-Proto`). Express's
 * `trust proxy` takes the value; rate limits then key on the client's address, not the proxy's,
 * and cookies are `Secure`.
 */
import { isIP } from 'node:net';

/** false: no proxy (the default); a number: that many proxies in front; else trusted addresses. */
export type TrustProxy = false | number | string[];

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Parses the variable; null when it is not valid (config says so, naming it). */
export function parseTrustProxy(value: string | undefined): TrustProxy | null {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false' || text === 'off') return false;
  if (/^\d{1,2}$/.test(text)) return Number(text) === 0 ? false : Number(text);
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length > 0 && entries.every(isTrustedEntry) ? entries : null;
}

function isTrustedEntry(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
