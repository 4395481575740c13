import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * What is stored of a secret handed out once (session, bearer token, customer status link): its
 * SHA-256, hex. A database leak gives no working secrets; the secrets are random, so no salt.
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether two strings are equal, in time that does not tell how much of them matched. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
