import type pg from 'pg';

import type { RateLimitStore, RateRule } from '../../auth/rate-limit.store.js';
import type { SecretStore } from '../../auth/secret.store.js';
import { query } from './pg-pool.js';

export class PgRateLimitStore implements RateLimitStore {
  constructor(private readonly pool: pg.Pool) {}

  /** One statement: the row lock makes concurrent attempts from several nodes count one after the other. */
  async hit(key: string, now: number, rule: RateRule): Promise<number> {
    const result = await query<{ blocked_until: number }>(this.pool, {
      name: 'baton.rateLimit.hit',
      text: `INSERT INTO rate_limits (key, hits, reset_at, blocked_until)
             VALUES ($1, 1, $2::bigint + $3::bigint, CASE WHEN 1 >= $4::int THEN $2::bigint + $5::bigint ELSE 0 END)
             ON CONFLICT (key) DO UPDATE SET
               hits = CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.hits + 1 END,
               reset_at = CASE WHEN rate_limits.reset_at <= $2 THEN $2::bigint + $3::bigint ELSE rate_limits.reset_at END,
               blocked_until = CASE
                 WHEN (CASE WHEN rate_limits.reset_at <= $2 THEN 1 ELSE rate_limits.hits + 1 END) >= $4::int THEN $2::bigint + $5::bigint
                 ELSE rate_limits.blocked_until END
             RETURNING blocked_until`,
      values: [key, now, rule.windowMs, rule.max, rule.blockMs],
    });
    return result.rows[0]?.blocked_until ?? 0;
  }

  async blockedUntil(key: string): Promise<number> {
    return (
      (await query<{ blocked_until: number }>(this.pool, { name: 'baton.rateLimit.blocked', text: 'SELECT blocked_until FROM rate_limits WHERE key = $1', values: [key] })).rows[0]?.blocked_until ?? 0
    );
  }

  async clear(key: string): Promise<void> {
    await query(this.pool, 'DELETE FROM rate_limits WHERE key = $1', [key]);
  }

  async prune(now: number): Promise<number> {
    return (await query(this.pool, 'DELETE FROM rate_limits WHERE reset_at <= $1 AND blocked_until <= $1', [now])).rowCount ?? 0;
  }
}

export class PgSecretStore implements SecretStore {
  constructor(private readonly pool: pg.Pool) {}

  async getOrCreate(name: string, generate: () => string): Promise<string> {
    // Insert-if-absent then read: when two nodes race, the first insert wins and both read it.
    await query(this.pool, 'INSERT INTO shared_secrets (name, value, created_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING', [name, generate()]);
    const row = (await query<{ value: string }>(this.pool, 'SELECT value FROM shared_secrets WHERE name = $1', [name])).rows[0];
    if (!row) throw new Error(`secret ${name} could not be stored`);
    return row.value;
  }
}
