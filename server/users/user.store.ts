import type { UserRecord } from './user.js';

export interface UserStore {
  /** Throws ConflictError when the id or username exists. */
  insert(user: UserRecord): Promise<void>;
  /** Replaces by id; false when there is no such user. */
  update(user: UserRecord): Promise<boolean>;
  get(id: string): Promise<UserRecord | null>;
  getByUsername(username: string): Promise<UserRecord | null>;
  /** Ordered by username. */
  list(): Promise<UserRecord[]>;
  /** Enabled users of a department, ordered by username (routing candidates). */
  inDepartment(departmentId: string): Promise<UserRecord[]>;
  count(): Promise<number>;
}
