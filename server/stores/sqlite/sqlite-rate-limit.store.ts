import type Database from 'better-sqlite3';

import type { RateLimitStore, RateRule } from '../../auth/rate-limit.store.js';
import type { SecretStore } from '../../auth/secret.store.js';

/** The counting in one statement: a new window once the last ended, the block once the window is full. */
const HIT_SQL = `
  INSERT INTO rate_limits (key, hits, reset_at, blocked_until)
  VALUES (@key, 1, @now + @window, CASE WHEN 1 >= @max THEN @now + @block ELSE 0 END)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.reset_at <= @now THEN 1 ELSE rate_limits.hits + 1 END,
    reset_at = CASE WHEN rate_limits.reset_at <= @now THEN @now + @window ELSE rate_limits.reset_at END,
    blocked_until = CASE
      WHEN (CASE WHEN rate_limits.reset_at <= @now THEN 1 ELSE rate_limits.hits + 1 END) >= @max THEN @now + @block
      ELSE rate_limits.blocked_until END
  RETURNING blocked_until`;

export class SqliteRateLimitStore implements RateLimitStore {
  private readonly hitRow: Database.Statement<[Record<string, string | number>], { blocked_until: number }>;
  private readonly blocked: Database.Statement<[string], { blocked_until: number }>;
  private readonly clearRow: Database.Statement<[string]>;
  private readonly pruneRows: Database.Statement<[number, number]>;

  constructor(db: Database.Database) {
    this.hitRow = db.prepare(HIT_SQL);
    this.blocked = db.prepare('SELECT blocked_until FROM rate_limits WHERE key = ?');
    this.clearRow = db.prepare('DELETE FROM rate_limits WHERE key = ?');
    this.pruneRows = db.prepare('DELETE FROM rate_limits WHERE reset_at <= ? AND blocked_until <= ?');
  }

  async hit(key: string, now: number, rule: RateRule): Promise<number> {
    return this.hitRow.get({ key, now, window: rule.windowMs, max: rule.max, block: rule.blockMs })?.blocked_until ?? 0;
  }

  async blockedUntil(key: string): Promise<number> {
    return this.blocked.get(key)?.blocked_until ?? 0;
  }

  async clear(key: string): Promise<void> {
    this.clearRow.run(key);
  }

  async prune(now: number): Promise<number> {
    return this.pruneRows.run(now, now).changes;
  }
}

export class SqliteSecretStore implements SecretStore {
  private readonly insertRow: Database.Statement<[string, string, string]>;
  private readonly byName: Database.Statement<[string], { value: string }>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare('INSERT INTO shared_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING');
    this.byName = db.prepare('SELECT value FROM shared_secrets WHERE name = ?');
  }

  async getOrCreate(name: string, generate: () => string): Promise<string> {
    const existing = this.byName.get(name);
    if (existing) return existing.value;
    // Another process may insert first: its value wins, and is what everyone reads.
    this.insertRow.run(name, generate(), new Date().toISOString());
    const row = this.byName.get(name);
    if (!row) throw new Error(`secret ${name} could not be stored`);
    return row.value;
  }
}
