/** How many attempts a key may make in a window, and how long it is blocked after that. */
export interface RateRule {
  max: number;
  windowMs: number;
  blockMs: number;
}

/**
 * Attempt counters shared by every node on the database (sign-in failures, intake submissions),
 * so a limit holds however a load balancer spreads the attempts. Instants are epoch milliseconds.
 */
export interface RateLimitStore {
  /**
   * Counts one attempt of `key` at `now`, atomically: a new window starts once the last one ended;
   * when the window holds `max` attempts the key is blocked until `now + blockMs`. Answers the
   * instant the key is blocked until (0: not blocked).
   */
  hit(key: string, now: number, rule: RateRule): Promise<number>;
  /** The instant `key` is blocked until (0: not blocked, or unknown). */
  blockedUntil(key: string): Promise<number>;
  /** Forgets `key` (a successful sign-in). */
  clear(key: string): Promise<void>;
  /** Housekeeping: removes the keys whose window and block both ended before `now`; answers how many. */
  prune(now: number): Promise<number>;
}
