import { bcryptCompare, bcryptHash, BCRYPT_THREADS } from './bcrypt-pool.js';
import { BoundedWork } from './bounded-work.js';

/**
 * bcrypt (pure JavaScript, no native build). Cost 12 by default; tests lower it because every
 * hash at 12 costs ~250 ms of CPU on this class of machine. It runs in worker threads off the event
 * loop, at most `concurrency` at once (others wait, up to `maxWaiting`, then BUSY): a burst of
 * sign-ins cannot starve the requests between them.
 */
export class PasswordHasher {
  readonly work: BoundedWork;

  constructor(
    private readonly cost = 12,
    options: { concurrency: number; maxWaiting: number } = { concurrency: BCRYPT_THREADS, maxWaiting: 64 },
  ) {
    this.work = new BoundedWork(options.concurrency, options.maxWaiting);
  }

  hash(password: string): Promise<string> {
    return this.work.run(() => bcryptHash(password, this.cost));
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.work.run(() => bcryptCompare(password, hash));
  }
}

/** bcrypt reads at most 72 bytes; longer passwords would silently share a hash with their prefix. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 10;

/** Whether bcrypt would cut the password short (it reads at most MAX_PASSWORD_BYTES). */
export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password) > MAX_PASSWORD_BYTES;
}

/** The one rule for a new password: what is wrong with it, or null when it will do. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (passwordTooLong(password)) return `at most ${MAX_PASSWORD_BYTES} bytes`;
  return null;
}
