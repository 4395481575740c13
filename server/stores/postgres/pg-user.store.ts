import type pg from 'pg';

import { ConflictError } from '../../errors.js';
import type { Role, UserRecord } from '../../users/user.js';
import type { UserStore } from '../../users/user.store.js';
import { iso, query, uniqueViolation } from './pg-pool.js';

interface UserRow extends Record<string, unknown> {
  id: string;
  username: string;
  display_name: string;
  role: string;
  departments: string[];
  skills: string[];
  disabled: boolean;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, username, display_name, role, departments, skills, disabled, password_hash, created_at, updated_at';

export class PgUserStore implements UserStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(user: UserRecord): Promise<void> {
    try {
      await query(this.pool, `INSERT INTO users (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, values(user));
    } catch (err) {
      throw taken(err, user);
    }
  }

  async update(user: UserRecord): Promise<boolean> {
    try {
      const result = await query(
        this.pool,
        `UPDATE users SET username = $2, display_name = $3, role = $4, departments = $5, skills = $6,
           disabled = $7, password_hash = $8, created_at = $9, updated_at = $10
         WHERE id = $1`,
        values(user),
      );
      return (result.rowCount ?? 0) > 0;
    } catch (err) {
      throw taken(err, user);
    }
  }

  async get(id: string): Promise<UserRecord | null> {
    const row = (await query<UserRow>(this.pool, { name: 'baton.user.get', text: `SELECT ${COLUMNS} FROM users WHERE id = $1`, values: [id] })).rows[0];
    return row ? toUser(row) : null;
  }

  async getByUsername(username: string): Promise<UserRecord | null> {
    const row = (await query<UserRow>(this.pool, `SELECT ${COLUMNS} FROM users WHERE username = $1`, [username])).rows[0];
    return row ? toUser(row) : null;
  }

  async list(): Promise<UserRecord[]> {
    return (await query<UserRow>(this.pool, `SELECT ${COLUMNS} FROM users ORDER BY username COLLATE "C"`)).rows.map(toUser);
  }

  async inDepartment(departmentId: string): Promise<UserRecord[]> {
    const result = await query<UserRow>(this.pool, `SELECT ${COLUMNS} FROM users WHERE NOT disabled AND departments @> jsonb_build_array($1::text) ORDER BY username COLLATE "C"`, [departmentId]);
    return result.rows.map(toUser);
  }

  async count(): Promise<number> {
    return (await query<{ n: number }>(this.pool, 'SELECT count(*) AS n FROM users')).rows[0]?.n ?? 0;
  }
}

function values(user: UserRecord): unknown[] {
  return [user.id, user.username, user.displayName, user.role, JSON.stringify(user.departments), JSON.stringify(user.skills), user.disabled, user.passwordHash, user.createdAt, user.updatedAt];
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    departments: row.departments,
    skills: row.skills,
    disabled: row.disabled,
    passwordHash: row.password_hash,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** A unique violation means the username (or id) is taken; other errors as they are. */
function taken(err: unknown, user: UserRecord): unknown {
  return uniqueViolation(err) !== null ? new ConflictError(`A user named '${user.username}' exists already`) : err;
}
