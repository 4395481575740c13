import type { Request } from 'express';

import { requireRole } from '../auth/access.js';
import type { Role } from '../users/user.js';
import { principalOf } from './principal.js';

/** First line of a route: only these roles get past (403 otherwise, before anything is read or changed). */
export function guard(req: Request, ...roles: Role[]): void {
  requireRole(principalOf(req), ...roles);
}

/** Who reads instances, timers and their logs: everyone but staff (staff see tasks). */
export const READERS: Role[] = ['admin', 'auditor', 'process-owner'];
/** Who starts work (intake, programs sending messages): everyone but auditors. */
export const WORKERS: Role[] = ['admin', 'process-owner', 'staff'];
