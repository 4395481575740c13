import { LoginLimiter } from '../auth/login-limiter.js';
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
 * Limits the status lookup (which mails a link) per client address and per email address, in
 * memory like the login limiter. Every lookup counts, found or not, so the limit tells nothing.
 */
export class StatusLookupLimiter {
  private readonly byAddress: LoginLimiter;
  private readonly byEmail: LoginLimiter;

  constructor(clock: Clock, limits: StatusLookupLimits = DEFAULT_LOOKUP_LIMITS) {
    this.byAddress = new LoginLimiter(clock, { maxFailures: limits.perAddress, windowMs: limits.windowMs, blockMs: limits.windowMs });
    this.byEmail = new LoginLimiter(clock, { maxFailures: limits.perEmail, windowMs: limits.windowMs, blockMs: limits.windowMs });
  }

  admit(address: string, email: string): void {
    const key = email.trim().toLowerCase();
    const wait = Math.max(this.byAddress.retryAfter(address), this.byEmail.retryAfter(key));
    if (wait > 0) throw new RateLimitedError(`Too many lookups; try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    this.byAddress.failed(address);
    this.byEmail.failed(key);
  }
}
