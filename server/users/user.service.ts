import { randomUUID } from 'node:crypto';

import type { AccessEvents } from '../auth/access-events.js';
import type { AuthService } from '../auth/auth.service.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import type { IssuedToken, NewUser, TokenRow, UserPatch } from '../contracts/users.js';
import type { DepartmentStore } from '../departments/department.store.js';
import type { Principal } from '../auth/principal.js';
import { InvalidInputError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { UserRecord, UserView } from './user.js';
import { userView } from './user.js';
import type { UserStore } from './user.store.js';

export type { NewUser, UserPatch };

/**
 * A new user's record: username lower-cased, display name defaulting to it, departments and skills
 * without repeats. The service and the demo seed both build users with it.
 */
export function newUserRecord(input: Omit<NewUser, 'password'>, passwordHash: string, at: string): UserRecord {
  return {
    id: randomUUID(),
    username: input.username.toLowerCase(),
    displayName: input.displayName ?? input.username,
    role: input.role,
    departments: [...new Set(input.departments)],
    skills: [...new Set(input.skills)],
    disabled: false,
    passwordHash,
    createdAt: at,
    updatedAt: at,
  };
}

/** What happens to a user's work when they are disabled (their held tasks go back to the queues); answers the task ids released. */
export type DisabledHandler = (username: string, actor: string) => Promise<string[]>;

export class UserService {
  private disabledHandler: DisabledHandler = async () => [];

  constructor(
    private readonly users: UserStore,
    private readonly departments: DepartmentStore,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly events: AccessEvents,
    private readonly clock: Clock,
  ) {}

  /** Wired by baton.ts once the runner exists (disabling a user releases their tasks through it). */
  whenDisabled(handler: DisabledHandler): void {
    this.disabledHandler = handler;
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(userView);
  }

  async get(id: string): Promise<UserView> {
    return userView(await this.require(id));
  }

  async create(input: NewUser): Promise<UserView> {
    await this.assertDepartments(input.departments);
    const user = newUserRecord(input, await this.hasher.hash(input.password), this.clock.now().toISOString());
    await this.users.insert(user);
    return userView(user);
  }

  /** Disabling or a new password signs the user out everywhere; any change re-evaluates their sockets' rooms. */
  async update(id: string, patch: UserPatch, actor = 'system'): Promise<UserView> {
    const current = await this.require(id);
    if (patch.departments) await this.assertDepartments(patch.departments);
    const next: UserRecord = {
      ...current,
      displayName: patch.displayName ?? current.displayName,
      role: patch.role ?? current.role,
      departments: patch.departments ? [...new Set(patch.departments)] : current.departments,
      skills: patch.skills ? [...new Set(patch.skills)] : current.skills,
      disabled: patch.disabled ?? current.disabled,
      passwordHash: patch.password ? await this.hasher.hash(patch.password) : current.passwordHash,
      updatedAt: this.clock.now().toISOString(),
    };
    if (!(await this.users.update(next))) throw new NotFoundError(`User ${id} does not exist`);
    if (next.disabled || patch.password) await this.auth.revokeAll(id);
    this.events.emit('user.changed', next);
    if (next.disabled && !current.disabled) await this.disabledHandler(next.username, actor);
    return userView(next);
  }

  /** A user changes their own password: the current one proves it is them; every other sign-in of theirs ends. */
  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.require(principal.userId);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) throw new UnauthenticatedError('The current password is wrong');
    const next: UserRecord = { ...user, passwordHash: await this.hasher.hash(newPassword), updatedAt: this.clock.now().toISOString() };
    if (!(await this.users.update(next))) throw new NotFoundError(`User ${user.id} does not exist`);
    await this.auth.revokeOthers(user.id, principal.credentialId);
  }

  /** An API token for a user (admins issue them), valid until `expiresAt`. */
  async issueToken(id: string, expiresAt: Date): Promise<IssuedToken> {
    const user = await this.require(id);
    if (user.disabled) throw new InvalidInputError(`${user.username} is disabled`);
    const { secret, credential } = await this.auth.issueToken(user, expiresAt);
    return { token: secret, id: credential.id, expiresAt: credential.expiresAt };
  }

  async tokens(id: string): Promise<TokenRow[]> {
    await this.require(id);
    return this.auth.tokensOf(id);
  }

  async revokeToken(id: string, tokenId: string): Promise<void> {
    await this.require(id);
    if (!(await this.auth.revokeOf(id, tokenId))) throw new NotFoundError(`User ${id} has no token ${tokenId}`);
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.users.get(id);
    if (!user) throw new NotFoundError(`User ${id} does not exist`);
    return user;
  }

  private async assertDepartments(ids: string[]): Promise<void> {
    const known = new Set((await this.departments.list()).map((department) => department.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new InvalidInputError(`No such department: ${unknown.join(', ')}`);
  }
}
