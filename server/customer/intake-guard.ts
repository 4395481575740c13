import { createHmac, randomBytes } from 'node:crypto';

import { LoginLimiter } from '../auth/login-limiter.js';
import type { RateLimitStore } from '../auth/rate-limit.store.js';
import type { SecretStore } from '../auth/secret.store.js';
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
 * once) and not replayed days later. The counts and the stamp's key live in the database, so a
 * form served by one node is accepted by any other, and a restart keeps open forms valid.
 */
export class IntakeGuard {
  private readonly limiter: LoginLimiter;
  private key: Promise<Buffer> | null = null;

  constructor(
    limits: RateLimitStore,
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
    private readonly options: IntakeGuardOptions = DEFAULT_INTAKE_GUARD,
  ) {
    this.limiter = new LoginLimiter(limits, clock, { maxFailures: options.maxPerWindow, windowMs: options.windowMs, blockMs: options.windowMs }, 'intake');
  }

  /** A stamp for a form served now, bound to the process it is for. */
  async stamp(processKey: string): Promise<string> {
    const issued = String(this.clock.now().getTime());
    return `${issued}.${await this.sign(processKey, issued)}`;
  }

  /** Counts the attempt; throws 429 once the address sent too many. */
  async admit(address: string): Promise<void> {
    const wait = await this.limiter.retryAfter(address);
    if (wait > 0) throw new RateLimitedError(`Too many requests from your address; try again in ${Math.ceil(wait / 60)} minute(s)`, wait);
    await this.limiter.failed(address);
  }

  /** Throws 400 for a filled honeypot or a stamp that is forged, too fresh or too old. */
  async check(processKey: string, stamp: string, honeypot: string | undefined): Promise<void> {
    if (honeypot) throw new InvalidInputError('The request could not be accepted');
    const [issued, signature] = stamp.split('.');
    const expected = issued ? await this.sign(processKey, issued) : '';
    if (!issued || !sameText(signature ?? '', expected)) {
      throw new InvalidInputError('The form is out of date; reload the page and send it again');
    }
    const age = this.clock.now().getTime() - Number(issued);
    if (age < this.options.minFillMs) throw new InvalidInputError('That was quick: please check your answers and send the form again');
    if (age > this.options.maxFormAgeMs) throw new InvalidInputError('The form is out of date; reload the page and send it again');
  }

  private async sign(processKey: string, issued: string): Promise<string> {
    return createHmac('sha256', await this.stampKey())
      .update(`${processKey}\n${issued}`)
      .digest('base64url');
  }

  /** One key for every node, created by the first that needs it; read once per process. */
  private stampKey(): Promise<Buffer> {
    this.key ??= this.secrets
      .getOrCreate('intake-stamp', () => randomBytes(32).toString('base64'))
      .then(
        (value) => Buffer.from(value, 'base64'),
        (err: unknown) => {
          this.key = null;
          throw err;
        },
      );
    return this.key;
  }
}
