import type { Role } from '../users/user.js';

/** Who is calling, as established by a session cookie or a bearer token, re-read on every request. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  departments: string[];
  /** The credential the call came with: sign-out and revocation drop the sockets opened with it. */
  credentialId: string;
  via: 'session' | 'token';
  /** Sessions only: what the x-csrf-token header of a state-changing request must equal. */
  csrfToken: string | null;
  /** When the credential stops working (ISO); live sockets opened with it are dropped then. */
  expiresAt: string;
}
