import type { Request } from 'express';

import type { Principal } from '../auth/principal.js';
import { UnauthenticatedError } from '../errors.js';

const principals = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

/** The signed-in caller; routes behind `authenticate` always have one. */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new UnauthenticatedError('Sign in first');
  return principal;
}

/** Who the audit log names for an API call: the signed-in username. */
export function actorOf(req: Request): string {
  return principalOf(req).username;
}
