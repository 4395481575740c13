import type { Clock } from '../clock.js';

interface Window {
  failures: number;
  resetAt: number;
  blockedUntil: number;
}

/**
 * Failed sign-ins per username + client address, in memory (a restart forgets them; several nodes
 * count separately, which only loosens the limit by the node count). After `maxFailures` within
 * `windowMs` the key is blocked for `blockMs`.
 */
export class LoginLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly options = { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  ) {}

  /** Seconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const window = this.windows.get(key);
    const now = this.clock.now().getTime();
    if (!window || window.blockedUntil <= now) return 0;
    return Math.ceil((window.blockedUntil - now) / 1000);
  }

  /**
   * Counts an attempt before its password is compared (bcrypt is asynchronous: counting after the
   * compare let a burst of concurrent guesses all pass the check). Throws nothing; answers the
   * seconds to wait when the key is blocked, 0 when this attempt may go on. A success forgets it.
   */
  attempt(key: string): number {
    const wait = this.retryAfter(key);
    if (wait > 0) return wait;
    this.failed(key);
    return 0;
  }

  failed(key: string): void {
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { failures: 0, resetAt: now + this.options.windowMs, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    window.failures += 1;
    if (window.failures >= this.options.maxFailures) window.blockedUntil = now + this.options.blockMs;
    this.prune(now);
  }

  succeeded(key: string): void {
    this.windows.delete(key);
  }

  /** Keeps memory bounded under a flood of made-up usernames. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
  }
}
