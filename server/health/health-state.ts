import type { Logger } from 'pino';

import type { Clock } from '../clock.js';

/** A store fault episode: seen within `STORE_EPISODE_MS` of the last failing write. */
export const STORE_EPISODE_MS = 30_000;
/** What a client is told to wait before retrying a write refused by a store fault. */
export const STORE_RETRY_AFTER_S = 30;

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unavailable';
  problems: string[];
}

/**
 * What /health reports besides the store ping: a store fault episode (disk full: writes fail while
 * reads and pings still work) and alarms raised by other parts (the audit anchor not matching).
 * Each episode and alarm is logged once, when it begins, not on every failing request.
 */
export class HealthState {
  private storeFault: { problem: string; since: number; last: number } | null = null;
  private readonly alarms = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** A write failed because of the store underneath. */
  storeFailed(problem: string, err: unknown): void {
    const now = this.clock.now().getTime();
    this.expireStoreFault(now);
    if (this.storeFault) {
      this.storeFault.last = now;
      return;
    }
    this.storeFault = { problem, since: now, last: now };
    this.logger.error({ err, problem }, `store unavailable: ${problem}; writes are refused with 503 until it recovers`);
  }

  /** A named alarm (kept until cleared): /health says degraded and names it. */
  raise(name: string, problem: string): void {
    if (this.alarms.get(name) === problem) return;
    this.alarms.set(name, problem);
    this.logger.error({ alarm: name, problem }, `ALARM ${name}: ${problem}`);
  }

  clear(name: string): void {
    if (this.alarms.delete(name)) this.logger.warn({ alarm: name }, `alarm ${name} cleared`);
  }

  alarm(name: string): string | null {
    return this.alarms.get(name) ?? null;
  }

  report(): HealthReport {
    this.expireStoreFault(this.clock.now().getTime());
    const problems = [...(this.storeFault ? [`store: ${this.storeFault.problem}`] : []), ...[...this.alarms].map(([name, problem]) => `${name}: ${problem}`)];
    const status = this.storeFault ? 'unavailable' : this.alarms.size ? 'degraded' : 'ok';
    return { status, problems };
  }

  private expireStoreFault(now: number): void {
    if (this.storeFault && now - this.storeFault.last > STORE_EPISODE_MS) {
      this.logger.warn({ problem: this.storeFault.problem, seconds: Math.round((now - this.storeFault.since) / 1000) }, 'store recovered: no failing write for 30 s');
      this.storeFault = null;
    }
  }
}
