import { BusyError } from '../errors.js';

/**
 * At most `concurrency` jobs at once, the rest wait in order; beyond `maxWaiting` waiting jobs a
 * new one is refused at once (BusyError, 503) rather than queued without end. For bcrypt: pure
 * JavaScript on the event loop, so 60 concurrent compares starved every other request.
 */
export class BoundedWork {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new BusyError('The server is busy checking passwords; try again in a moment', 1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter (running stays the same) or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Jobs running and waiting (for tests and metrics). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

/** How many requests of one kind each client address has under way; more than `max` are refused. */
export class PerAddressLimit {
  private readonly pending = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Runs the job unless the address already has `max` under way (then answers false without running it). */
  tryEnter(address: string): boolean {
    const count = this.pending.get(address) ?? 0;
    if (count >= this.max) return false;
    this.pending.set(address, count + 1);
    return true;
  }

  leave(address: string): void {
    const count = (this.pending.get(address) ?? 1) - 1;
    if (count <= 0) this.pending.delete(address);
    else this.pending.set(address, count);
  }
}
