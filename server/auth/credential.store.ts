import type { CredentialRecord } from './credential.js';

export interface CredentialStore {
  insert(credential: CredentialRecord): Promise<void>;
  bySecretHash(secretHash: string): Promise<CredentialRecord | null>;
  /** A user's credentials, newest first (the admin's list of API tokens). */
  forUser(userId: string): Promise<CredentialRecord[]>;
  /** True when a credential was removed. */
  delete(id: string): Promise<boolean>;
  /** Removes every credential of a user (disabled, password changed); answers the removed ids. */
  deleteForUser(userId: string): Promise<string[]>;
  /** Housekeeping: removes credentials that expired before `now`. */
  deleteExpired(now: string): Promise<number>;
}
