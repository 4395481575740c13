import type { RequestHandler } from 'express';

import { LoginLimiter } from '../auth/login-limiter.js';
import type { RateLimitStore } from '../auth/rate-limit.store.js';
import type { Clock } from '../clock.js';
import { RateLimitedError } from '../errors.js';
import { langFromRequest, translator } from '../i18n/i18n.js';
import { noTicketPage } from './status-page.js';

export const TOO_MANY_GUESSES = 'Too many status links that do not exist were tried from your network. Try again later, or use the link in your confirmation email.';

/**
 * Status tokens are 128-bit random, but a guesser should still not get unlimited tries: every
 * unknown link (the uniform 404) counts against the client address, and past `maxMisses` in the
 * window the address waits (429 with Retry-After) on the page, the API and the live socket alike.
 */
export class StatusGuesses {
  private readonly misses: LoginLimiter;

  constructor(store: RateLimitStore, clock: Clock, options = { maxMisses: 20, windowMs: 10 * 60_000, blockMs: 10 * 60_000 }) {
    // Counted in the database like sign-ins: a guesser spread over nodes is counted once.
    this.misses = new LoginLimiter(store, clock, { maxFailures: options.maxMisses, windowMs: options.windowMs, blockMs: options.blockMs }, 'status');
  }

  /** Seconds the address must wait; 0 when it may look a link up. */
  retryAfter(address: string): Promise<number> {
    return this.misses.retryAfter(address);
  }

  async missed(address: string): Promise<void> {
    await this.misses.failed(address);
  }

  /** For `/status/:token…` routes: refuses a blocked address, counts every 404 it gets. */
  guard(answer: 'json' | 'html'): RequestHandler {
    return async (req, res, next) => {
      const address = req.socket.remoteAddress ?? 'unknown';
      const wait = await this.retryAfter(address);
      if (wait > 0) {
        if (answer === 'json') return next(new RateLimitedError(TOO_MANY_GUESSES, wait));
        const text = translator(langFromRequest(req))('security:statusGuesses.tooMany', { minutes: Math.ceil(wait / 60) });
        res.status(429).set('Retry-After', String(wait)).set('cache-control', 'no-store').type('html').send(noTicketPage(text));
        return;
      }
      res.on('finish', () => {
        // After the answer: a store failure here has no one to tell but the log of the next request.
        if (res.statusCode === 404) this.missed(address).catch(() => undefined);
      });
      next();
    };
  }
}
