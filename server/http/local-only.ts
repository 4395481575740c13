import type { RequestHandler } from 'express';

import { ForbiddenError } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Until sign-in exists, the API answers callers on this machine only. Every API route sits behind
 * this one middleware, so the inbox issue replaces it with authentication in one place.
 */
export const localOnly: RequestHandler = (req, _res, next) => {
  const address = req.socket.remoteAddress ?? '';
  if (LOOPBACK.has(address) || address.startsWith('127.')) return next();
  next(new ForbiddenError('The Baton API is open to this machine only until sign-in is configured'));
};

/** Who the audit log names for an API call; sign-in will put the user here. */
export function actorOf(_req: unknown): string {
  return 'api';
}
