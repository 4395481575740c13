/**
 * A proof of sign-in: a browser session (cookie) or a bearer token (programs). Only a sha256 of
 * the secret is stored, so a copy of the database signs nobody in.
 */
export interface CredentialRecord {
  /** Public id, used to revoke and to find the sockets opened with it. */
  id: string;
  /** sha256 hex of the secret the client holds. */
  secretHash: string;
  kind: 'session' | 'token';
  userId: string;
  /** Double-submit CSRF token of a session; null for bearer tokens (no ambient authority). */
  csrfToken: string | null;
  createdAt: string;
  expiresAt: string;
}
