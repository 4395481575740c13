import type Database from 'better-sqlite3';

import type { CredentialRecord } from '../../auth/credential.js';
import type { CredentialStore } from '../../auth/credential.store.js';

interface CredentialRow {
  id: string;
  secret_hash: string;
  kind: string;
  user_id: string;
  csrf_token: string | null;
  created_at: string;
  expires_at: string;
}

const COLUMNS = 'id, secret_hash, kind, user_id, csrf_token, created_at, expires_at';

export class SqliteCredentialStore implements CredentialStore {
  private readonly insertRow: Database.Statement<[CredentialRow]>;
  private readonly bySecret: Database.Statement<[string], CredentialRow>;
  private readonly deleteRow: Database.Statement<[string]>;
  private readonly ofUser: Database.Statement<[string], { id: string }>;
  private readonly allOfUser: Database.Statement<[string], CredentialRow>;
  private readonly deleteOfUser: Database.Statement<[string]>;
  private readonly deleteBefore: Database.Statement<[string]>;
  private readonly deleteUserTx: Database.Transaction<(userId: string) => string[]>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(`INSERT INTO credentials (${COLUMNS}) VALUES (@id, @secret_hash, @kind, @user_id, @csrf_token, @created_at, @expires_at)`);
    this.bySecret = db.prepare(`SELECT ${COLUMNS} FROM credentials WHERE secret_hash = ?`);
    this.deleteRow = db.prepare('DELETE FROM credentials WHERE id = ?');
    this.ofUser = db.prepare('SELECT id FROM credentials WHERE user_id = ?');
    this.allOfUser = db.prepare(`SELECT ${COLUMNS} FROM credentials WHERE user_id = ? ORDER BY created_at DESC, rowid DESC`);
    this.deleteOfUser = db.prepare('DELETE FROM credentials WHERE user_id = ?');
    this.deleteBefore = db.prepare('DELETE FROM credentials WHERE expires_at < ?');
    this.deleteUserTx = db.transaction((userId: string) => {
      const ids = this.ofUser.all(userId).map((row) => row.id);
      this.deleteOfUser.run(userId);
      return ids;
    });
  }

  async insert(credential: CredentialRecord): Promise<void> {
    this.insertRow.run({
      id: credential.id,
      secret_hash: credential.secretHash,
      kind: credential.kind,
      user_id: credential.userId,
      csrf_token: credential.csrfToken,
      created_at: credential.createdAt,
      expires_at: credential.expiresAt,
    });
  }

  async bySecretHash(secretHash: string): Promise<CredentialRecord | null> {
    const row = this.bySecret.get(secretHash);
    return row ? toCredential(row) : null;
  }

  async forUser(userId: string): Promise<CredentialRecord[]> {
    return this.allOfUser.all(userId).map(toCredential);
  }

  async delete(id: string): Promise<boolean> {
    return this.deleteRow.run(id).changes > 0;
  }

  async deleteForUser(userId: string): Promise<string[]> {
    return this.deleteUserTx.immediate(userId);
  }

  async deleteExpired(now: string): Promise<number> {
    return this.deleteBefore.run(now).changes;
  }
}

function toCredential(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    kind: row.kind as CredentialRecord['kind'],
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
