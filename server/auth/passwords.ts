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

/** The password rule is part of the users' contract (pure, so a page may check it as the server does). */
export { MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, passwordProblem, passwordTooLong } from '../contracts/users.js';
