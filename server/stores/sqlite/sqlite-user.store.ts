import type Database from 'better-sqlite3';

import { ConflictError } from '../../errors.js';
import type { Role, UserRecord } from '../../users/user.js';
import type { UserStore } from '../../users/user.store.js';
import { fromJson, toJson } from './sqlite-query.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  departments: string;
  skills: string;
  disabled: number;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, username, display_name, role, departments, skills, disabled, password_hash, created_at, updated_at';

export class SqliteUserStore implements UserStore {
  private readonly insertRow: Database.Statement<[UserRow]>;
  private readonly updateRow: Database.Statement<[UserRow]>;
  private readonly byId: Database.Statement<[string], UserRow>;
  private readonly byUsername: Database.Statement<[string], UserRow>;
  private readonly all: Database.Statement<[], UserRow>;
  private readonly members: Database.Statement<[string], UserRow>;
  private readonly counted: Database.Statement<[], { n: number }>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(`INSERT INTO users (${COLUMNS}) VALUES (@id, @username, @display_name, @role, @departments, @skills, @disabled, @password_hash, @created_at, @updated_at)`);
    this.updateRow = db.prepare(
      `UPDATE users SET username = @username, display_name = @display_name, role = @role, departments = @departments,
         skills = @skills, disabled = @disabled, password_hash = @password_hash, created_at = @created_at, updated_at = @updated_at
       WHERE id = @id`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
    this.byUsername = db.prepare(`SELECT ${COLUMNS} FROM users WHERE username = ?`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM users ORDER BY username`);
    // Users are few (hundreds); a JSON scan is simpler than a join table and fast enough.
    this.members = db.prepare(`SELECT ${COLUMNS} FROM users WHERE disabled = 0 AND EXISTS (SELECT 1 FROM json_each(users.departments) WHERE value = ?) ORDER BY username`);
    this.counted = db.prepare('SELECT count(*) AS n FROM users');
  }

  async insert(user: UserRecord): Promise<void> {
    try {
      this.insertRow.run(toRow(user));
    } catch (err) {
      throw taken(err, user);
    }
  }

  async update(user: UserRecord): Promise<boolean> {
    try {
      return this.updateRow.run(toRow(user)).changes > 0;
    } catch (err) {
      throw taken(err, user);
    }
  }

  async get(id: string): Promise<UserRecord | null> {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  async getByUsername(username: string): Promise<UserRecord | null> {
    const row = this.byUsername.get(username);
    return row ? toUser(row) : null;
  }

  async list(): Promise<UserRecord[]> {
    return this.all.all().map(toUser);
  }

  async inDepartment(departmentId: string): Promise<UserRecord[]> {
    return this.members.all(departmentId).map(toUser);
  }

  async count(): Promise<number> {
    return this.counted.get()?.n ?? 0;
  }
}

function toRow(user: UserRecord): UserRow {
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    role: user.role,
    departments: toJson(user.departments),
    skills: toJson(user.skills),
    disabled: user.disabled ? 1 : 0,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    departments: fromJson<string[]>(row.departments),
    skills: fromJson<string[]>(row.skills),
    disabled: row.disabled === 1,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A unique or primary key violation means the username is taken (an update keeps its id, so only the first applies); other errors as they are. */
function taken(err: unknown, user: UserRecord): unknown {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? new ConflictError(`A user named '${user.username}' exists already`) : err;
}
