import { randomBytes, randomUUID } from 'node:crypto';

import type { Clock } from '../clock.js';
import { InvalidInputError, RateLimitedError, UnauthenticatedError } from '../errors.js';
import type { UserRecord } from '../users/user.js';
import type { UserStore } from '../users/user.store.js';
import type { AccessEvents } from './access-events.js';
import type { CredentialRecord } from './credential.js';
import type { CredentialStore } from './credential.store.js';
import type { LoginLimiter } from './login-limiter.js';
import { PerAddressLimit } from './bounded-work.js';
import type { PasswordHasher } from './passwords.js';
import type { Principal } from './principal.js';
import { secretHash } from './secrets.js';

export interface AuthOptions {
  sessionTtlMs: number;
  tokenTtlMs: number;
  /** Sign-ins one client address may have under way at once (default 8); more get a 429. */
  maxPendingPerAddress?: number;
}

export interface IssuedCredential {
  /** The secret the client keeps (cookie value or bearer token); only its hash is stored. */
  secret: string;
  credential: CredentialRecord;
  user: UserRecord;
}

/** Sign-in, sessions and bearer tokens. */
export class AuthService {
  /** Compared against when the username is unknown, so a wrong name costs as long as a wrong password. */
  private decoy: Promise<string> | null = null;
  private readonly pending: PerAddressLimit;

  constructor(
    private readonly users: UserStore,
    private readonly credentials: CredentialStore,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginLimiter,
    private readonly events: AccessEvents,
    private readonly clock: Clock,
    private readonly options: AuthOptions,
  ) {
    this.pending = new PerAddressLimit(options.maxPendingPerAddress ?? 8);
  }

  /** Checks the password (rate limited per username + address) and issues a session or a token. */
  async signIn(username: string, password: string, address: string, kind: CredentialRecord['kind']): Promise<IssuedCredential> {
    // One address flooding sign-ins (known or made-up names) waits for none of its own bcrypt work.
    if (!this.pending.tryEnter(address)) throw new RateLimitedError('Too many sign-ins under way from this address; try again in a moment', 1);
    try {
      return await this.checkAndIssue(username, password, address, kind);
    } finally {
      this.pending.leave(address);
    }
  }

  private async checkAndIssue(username: string, password: string, address: string, kind: CredentialRecord['kind']): Promise<IssuedCredential> {
    const key = `${username.toLowerCase()}|${address}`;
    // Counted as a failure before the compare; a success below forgets the count.
    const wait = await this.limiter.attempt(key);
    if (wait > 0) throw new RateLimitedError(`Too many failed sign-ins; try again in ${wait} s`, wait);
    const user = await this.users.getByUsername(username.toLowerCase());
    const ok = user ? await this.hasher.verify(password, user.passwordHash) : await this.decoyCheck(password);
    if (!user || !ok || user.disabled) throw new UnauthenticatedError('Wrong username or password, or the account is disabled');
    await this.limiter.succeeded(key);
    return this.issue(user, kind);
  }

  /** The principal a secret stands for; null when unknown, expired, or its user is disabled. */
  async authenticate(secret: string): Promise<Principal | null> {
    const credential = await this.credentials.bySecretHash(secretHash(secret));
    if (!credential) return null;
    if (credential.expiresAt <= this.clock.now().toISOString()) {
      await this.credentials.delete(credential.id);
      return null;
    }
    const user = await this.users.get(credential.userId);
    if (!user || user.disabled) return null;
    return {
      userId: user.id,
      username: user.username,
      role: user.role,
      departments: user.departments,
      credentialId: credential.id,
      via: credential.kind === 'session' ? 'session' : 'token',
      csrfToken: credential.csrfToken,
      expiresAt: credential.expiresAt,
    };
  }

  /** Sign-out or token revocation; the live layer drops the sockets opened with it. */
  async revoke(credentialId: string, userId: string): Promise<void> {
    await this.credentials.delete(credentialId);
    this.events.emit('credential.revoked', { credentialId, userId });
  }

  /** Every credential of a user (disabled, password changed). */
  async revokeAll(userId: string): Promise<void> {
    for (const credentialId of await this.credentials.deleteForUser(userId)) this.events.emit('credential.revoked', { credentialId, userId });
  }

  /** Every credential of a user except `keep` (a changed password signs the other browsers and programs out). */
  async revokeOthers(userId: string, keep: string): Promise<void> {
    for (const credential of await this.credentials.forUser(userId)) {
      if (credential.id !== keep) await this.revoke(credential.id, userId);
    }
  }

  /** An API token an admin issues for a user, valid until `expiresAt`; the secret is shown once. */
  async issueToken(user: UserRecord, expiresAt: Date): Promise<IssuedCredential> {
    if (expiresAt.getTime() <= this.clock.now().getTime()) throw new InvalidInputError('expiresAt must lie in the future');
    const issued = await this.issue(user, 'token', expiresAt);
    return issued;
  }

  /** A user's API tokens (not their browser sessions), without secrets. */
  async tokensOf(userId: string): Promise<Omit<CredentialRecord, 'secretHash' | 'csrfToken'>[]> {
    const now = this.clock.now().toISOString();
    return (await this.credentials.forUser(userId)).filter((credential) => credential.kind === 'token' && credential.expiresAt > now).map(({ secretHash: _hash, csrfToken: _csrf, ...rest }) => rest);
  }

  /** Revokes one of a user's credentials; false when it is not theirs or does not exist. */
  async revokeOf(userId: string, credentialId: string): Promise<boolean> {
    const mine = (await this.credentials.forUser(userId)).some((credential) => credential.id === credentialId);
    if (!mine) return false;
    await this.revoke(credentialId, userId);
    return true;
  }

  async sweepExpired(): Promise<number> {
    return this.credentials.deleteExpired(this.clock.now().toISOString());
  }

  private async issue(user: UserRecord, kind: CredentialRecord['kind'], until?: Date): Promise<IssuedCredential> {
    const now = this.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const ttl = kind === 'session' ? this.options.sessionTtlMs : this.options.tokenTtlMs;
    const credential: CredentialRecord = {
      id: randomUUID(),
      secretHash: secretHash(secret),
      kind,
      userId: user.id,
      csrfToken: kind === 'session' ? randomBytes(24).toString('base64url') : null,
      createdAt: now.toISOString(),
      expiresAt: (until ?? new Date(now.getTime() + ttl)).toISOString(),
    };
    await this.credentials.insert(credential);
    return { secret, credential, user };
  }

  private async decoyCheck(password: string): Promise<boolean> {
    this.decoy ??= this.hasher.hash(randomBytes(16).toString('hex'));
    await this.hasher.verify(password, await this.decoy);
    return false;
  }
}
