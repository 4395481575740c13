import { createHmac, randomBytes } from 'node:crypto';

import { LoginLimiter } from '../auth/login-limiter.js';
import { sameText } from '../auth/secrets.js';
import type { Clock } from '../clock.js';
import { InvalidInputError, RateLimitedError } from '../errors.js';

export interface IntakeGuardOptions {
  /** Submissions per address per window before it is blocked (every attempt counts, valid or not). */
  maxPerWindow: number;
  windowMs: number;
  /** A form sent back sooner than this after it was served was not filled in by a person. */
  minFillMs: number;
  /** A form served longer ago than this is stale (reload the page). */
  maxFormAgeMs: number;
}

export const DEFAULT_INTAKE_GUARD: IntakeGuardOptions = { maxPerWindow: 10, windowMs: 10 * 60_000, minFillMs: 2_000, maxFormAgeMs: 24 * 3_600_000 };

/** The field a person never sees (hidden by the page) and a form-filling bot fills in. */
export const HONEYPOT_FIELD = 'website';

/**
 * Abuse protection of the public intake without any outside service: a rate limit per client
 * address (the login limiter's windows, counting every submission), a honeypot field, and a
 * signed form stamp that proves the form was served at least `minFillMs` earlier (bots post at
 * once) and not replayed days later. The stamp's key lives in this process only: a restart makes
 * open forms stale, which costs a reload.
 */
export class IntakeGuard {
  private readonly limiter: LoginLimiter;
  private readonly key = randomBytes(32);

  constructor(
    private readonly clock: Clock,
    private readonly options: IntakeGuardOptions = DEFAULT_INTAKE_GUARD,
  ) {
    this.limiter = new LoginLimiter(clock, { maxFailures: options.maxPerWindow, windowMs: options.windowMs, blockMs: options.windowMs });
  }

  /** A stamp for a form served now, bound to the process it is for. */
  stamp(processKey: string): string {
    const issued = String(this.clock.now().getTime());
    return `${issued}.${this.sign(processKey, issued)}`;
  }

  /** Counts the attempt; throws 429 once the address sent too many. */
  admit(address: string): void {
    const wait = this.limiter.retryAfter(address);
    if (wait > 0) throw new RateLimitedError(`Too many requests from your address; try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    this.limiter.failed(address);
  }

  /** Throws 400 for a filled honeypot or a stamp that is forged, too fresh or too old. */
  check(processKey: string, stamp: string, honeypot: string | undefined): void {
    if (honeypot) throw new InvalidInputError('The request could not be accepted');
    const [issued, signature] = stamp.split('.');
    const expected = issued ? this.sign(processKey, issued) : '';
    if (!issued || !sameText(signature ?? '', expected)) {
      throw new InvalidInputError('The form is out of date; reload the page and send it again');
    }
    const age = this.clock.now().getTime() - Number(issued);
    if (age < this.options.minFillMs) throw new InvalidInputError('That was quick: please check your answers and send the form again');
    if (age > this.options.maxFormAgeMs) throw new InvalidInputError('The form is out of date; reload the page and send it again');
  }

  private sign(processKey: string, issued: string): string {
    return createHmac('sha256', this.key).update(`${processKey}\n${issued}`).digest('base64url');
  }
}
