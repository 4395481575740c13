import type { Clock } from '../clock.js';
import type { RateLimitStore, RateRule } from './rate-limit.store.js';

/**
 * Failed attempts per key (username + client address for sign-ins, an address for the intake),
 * counted in the database through RateLimitStore, so every node sees the same counts and a
 * restart forgets nothing. After `maxFailures` within `windowMs` the key is blocked for `blockMs`.
 */
export class LoginLimiter {
  private readonly rule: RateRule;
  private lastPrune = 0;

  constructor(
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
    options = { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
    /** Keeps the keys of different limiters apart in the one table. */
    private readonly scope = 'login',
  ) {
    this.rule = { max: options.maxFailures, windowMs: options.windowMs, blockMs: options.blockMs };
  }

  /** Seconds until the key may try again; 0 when it may try now. */
  async retryAfter(key: string): Promise<number> {
    return this.secondsUntil(await this.store.blockedUntil(this.keyOf(key)));
  }

  /** Counts a failure; answers the seconds the key is now blocked for (0: not blocked). */
  async failed(key: string): Promise<number> {
    const now = this.clock.now().getTime();
    const blockedUntil = await this.store.hit(this.keyOf(key), now, this.rule);
    await this.pruneNow(now);
    return this.secondsUntil(blockedUntil);
  }

  /**
   * Counts an attempt before its password is compared (bcrypt is asynchronous: counting after the
   * compare let a burst of concurrent guesses all pass the check). The count is one atomic hit in
   * the database, so concurrent attempts on any node are counted one by one: the first `max` go on,
   * the next is refused and blocks the key. Answers the seconds to wait (0: this attempt may go
   * on). A success forgets the count.
   */
  async attempt(key: string): Promise<number> {
    const now = this.clock.now().getTime();
    // One more than the failures allowed: the attempt that would be the (max + 1)-th is the one refused.
    const blockedUntil = await this.store.hit(this.keyOf(key), now, { ...this.rule, max: this.rule.max + 1 });
    await this.pruneNow(now);
    return this.secondsUntil(blockedUntil);
  }

  async succeeded(key: string): Promise<void> {
    await this.store.clear(this.keyOf(key));
  }

  private secondsUntil(blockedUntil: number): number {
    const now = this.clock.now().getTime();
    return blockedUntil <= now ? 0 : Math.ceil((blockedUntil - now) / 1000);
  }

  private keyOf(key: string): string {
    return `${this.scope}:${key}`;
  }

  /** Keeps the table small under a flood of made-up usernames: ended windows go once a window. */
  private async pruneNow(now: number): Promise<void> {
    if (now - this.lastPrune < this.rule.windowMs) return;
    this.lastPrune = now;
    await this.store.prune(now);
  }
}
