import { randomUUID } from 'node:crypto';

import type { AccessEvents } from '../auth/access-events.js';
import type { AuthService } from '../auth/auth.service.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import type { DepartmentStore } from '../departments/department.store.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { Role, UserRecord, UserView } from './user.js';
import { userView } from './user.js';
import type { UserStore } from './user.store.js';

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  password: string;
  role: Role;
  departments: string[];
  skills: string[];
}

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

export type UserPatch = Partial<Omit<NewUser, 'username'> & { disabled: boolean }>;

export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly departments: DepartmentStore,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly events: AccessEvents,
    private readonly clock: Clock,
  ) {}

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
  async update(id: string, patch: UserPatch): Promise<UserView> {
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
    return userView(next);
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
