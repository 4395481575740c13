import type pg from 'pg';

import type { CredentialRecord } from '../../auth/credential.js';
import type { CredentialStore } from '../../auth/credential.store.js';
import { iso, query } from './pg-pool.js';

interface CredentialRow extends Record<string, unknown> {
  id: string;
  secret_hash: string;
  kind: string;
  user_id: string;
  csrf_token: string | null;
  created_at: Date;
  expires_at: Date;
}

const COLUMNS = 'id, secret_hash, kind, user_id, csrf_token, created_at, expires_at';

export class PgCredentialStore implements CredentialStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(credential: CredentialRecord): Promise<void> {
    await query(this.pool, `INSERT INTO credentials (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      credential.id,
      credential.secretHash,
      credential.kind,
      credential.userId,
      credential.csrfToken,
      credential.createdAt,
      credential.expiresAt,
    ]);
  }

  async bySecretHash(secretHash: string): Promise<CredentialRecord | null> {
    // Every authenticated request asks this: a named statement, prepared once per connection.
    const row = (await query<CredentialRow>(this.pool, { name: 'baton.credential.bySecret', text: `SELECT ${COLUMNS} FROM credentials WHERE secret_hash = $1`, values: [secretHash] })).rows[0];
    return row ? toCredential(row) : null;
  }

  async forUser(userId: string): Promise<CredentialRecord[]> {
    const result = await query<CredentialRow>(this.pool, `SELECT ${COLUMNS} FROM credentials WHERE user_id = $1 ORDER BY created_at DESC, pos DESC`, [userId]);
    return result.rows.map(toCredential);
  }

  async delete(id: string): Promise<boolean> {
    return ((await query(this.pool, 'DELETE FROM credentials WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async deleteForUser(userId: string): Promise<string[]> {
    // One statement answers exactly the rows it removed.
    const result = await query<{ id: string }>(this.pool, 'DELETE FROM credentials WHERE user_id = $1 RETURNING id', [userId]);
    return result.rows.map((row) => row.id);
  }

  async deleteExpired(now: string): Promise<number> {
    return (await query(this.pool, 'DELETE FROM credentials WHERE expires_at < $1::timestamptz', [now])).rowCount ?? 0;
  }
}

function toCredential(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    kind: row.kind as CredentialRecord['kind'],
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
  };
}
