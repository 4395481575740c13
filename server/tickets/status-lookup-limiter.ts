import { LoginLimiter } from '../auth/login-limiter.js';
import type { RateLimitStore } from '../auth/rate-limit.store.js';
import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';

export interface StatusLookupLimits {
  /** Lookups per client address per window. */
  perAddress: number;
  /** Lookups naming one email address per window, from anywhere: nobody floods a customer's mailbox. */
  perEmail: number;
  windowMs: number;
}

export const DEFAULT_LOOKUP_LIMITS: StatusLookupLimits = { perAddress: 10, perEmail: 3, windowMs: 60 * 60_000 };

/**
 * Limits the status lookup (which mails a link) per client address and per email address, counted
 * in the shared store like sign-ins (every node sees one count). Every lookup counts, found or
 * not, so the limit tells nothing.
 */
export class StatusLookupLimiter {
  private readonly byAddress: LoginLimiter;
  private readonly byEmail: LoginLimiter;

  constructor(store: RateLimitStore, clock: Clock, limits: StatusLookupLimits = DEFAULT_LOOKUP_LIMITS) {
    this.byAddress = new LoginLimiter(store, clock, { maxFailures: limits.perAddress, windowMs: limits.windowMs, blockMs: limits.windowMs }, 'lookup-address');
    this.byEmail = new LoginLimiter(store, clock, { maxFailures: limits.perEmail, windowMs: limits.windowMs, blockMs: limits.windowMs }, 'lookup-email');
  }

  async admit(address: string, email: string): Promise<void> {
    const key = email.trim().toLowerCase();
    const wait = Math.max(await this.byAddress.retryAfter(address), await this.byEmail.retryAfter(key));
    if (wait > 0) throw new RateLimitedError(`Too many lookups; try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    await this.byAddress.failed(address);
    await this.byEmail.failed(key);
  }
}
