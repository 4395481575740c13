import type { Logger } from 'pino';

import type { InstanceEvents } from '../instances/instance-events.js';
import type { AnalyticsStore } from './analytics.store.js';

/** Events folded per transaction: big enough to catch up fast, small enough not to hold the write lock long. */
const BATCH = 2000;
/**
 * How long after a committed step the background catch-up runs: steps arriving meanwhile are
 * folded together, so a busy Baton takes the write lock for analytics a few times a second, not
 * once per step. Reports catch up themselves before reading, so they never see this delay.
 */
const FOLLOW_DELAY_MS = 200;

/**
 * Keeps the analytics projections up to date with the audit log. It reads the events after its
 * cursor in the log's global order and folds each batch with the cursor move in one transaction
 * (AnalyticsStore.foldNext), so a crash between batches loses nothing and folds nothing twice.
 * It runs after steps commit (the runner's `step.committed`, coalesced: one catch-up in flight at
 * a time), never inside a step, and reports catch up before they read.
 */
export class AnalyticsProjector {
  /** The run waiting to start: callers arriving meanwhile share it. */
  private queued: Promise<number> | null = null;
  /** The end of the chain of runs: one at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  private followTimer: NodeJS.Timeout | null = null;
  private readonly onStep = () => {
    this.followTimer ??= setTimeout(() => this.flush(), FOLLOW_DELAY_MS);
    this.followTimer.unref();
  };

  constructor(
    private readonly store: AnalyticsStore,
    private readonly logger: Logger,
  ) {}

  /** Folds after every committed step, in the background. */
  follow(events: InstanceEvents): void {
    events.on('step.committed', this.onStep);
  }

  unfollow(events: InstanceEvents): void {
    events.off('step.committed', this.onStep);
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = null;
  }

  /**
   * Folds everything committed before the call. Runs one at a time; a call made while one runs
   * queues the next, and calls made while that one waits share it. Returns events folded.
   */
  catchUp(): Promise<number> {
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = null;
      return this.run();
    });
    this.queued = next;
    this.tail = next.catch(() => 0);
    return next;
  }

  /** Drops the projections and folds the whole log again. */
  async rebuild(): Promise<number> {
    const next = this.tail.then(async () => {
      await this.store.reset();
      this.logger.info('analytics: rebuilding the projections from the audit log');
      return this.run();
    });
    this.tail = next.catch(() => 0);
    return next;
  }

  /** Runs a pending background catch-up now and waits for every run in flight (shutdown, tests). */
  async idle(): Promise<void> {
    if (this.followTimer) this.flush();
    await this.tail;
  }

  private flush(): void {
    if (this.followTimer) clearTimeout(this.followTimer);
    this.followTimer = null;
    this.catchUp().catch((err: unknown) => this.logger.error({ err }, 'analytics: folding the audit log failed; the next step retries'));
  }

  private async run(): Promise<number> {
    const cursor = await this.store.cursor();
    if (!cursor.valid) {
      // The log was renumbered under the cursor (a VACUUM, an import): start from its beginning.
      this.logger.warn({ position: cursor.position }, 'analytics: the cursor no longer names its event; rebuilding');
      await this.store.reset();
    }
    let total = 0;
    for (;;) {
      const folded = await this.store.foldNext(BATCH);
      total += folded;
      if (folded < BATCH) return total;
      // Let requests in between the batches of a long catch-up.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
