import { ROLES, type Role } from '../contracts/users.js';

export { ROLES, type Role };

export interface UserRecord {
  id: string;
  /** Sign-in name, unique, lower case. Audit events name users by it. */
  username: string;
  displayName: string;
  role: Role;
  /** Department ids whose queues the user works (and sees). */
  departments: string[];
  /** Free-form skill tags the `skills` assignment rule matches against `requiredSkills`. */
  skills: string[];
  disabled: boolean;
  /** bcrypt hash; never leaves the server. */
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

/** A user as the API shows it. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

export function userView(user: UserRecord): UserView {
  const { passwordHash: _hash, ...view } = user;
  return view;
}
