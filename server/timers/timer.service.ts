import { NotFoundError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import { TimerMetrics } from './timer-metrics.js';
import type { TimerRecord } from './timer.js';
import type { TimerStore } from './timer.store.js';

/** Far enough ahead to list every pending timer; timers of years are legitimate. */
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

export class TimerService {
  readonly metrics = new TimerMetrics();

  constructor(
    private readonly timers: TimerStore,
    private readonly runner: InstanceRunner,
  ) {
    runner.events.on('step.committed', ({ fired }) => {
      for (const timer of fired) this.metrics.record(Date.parse(timer.firedAt) - Date.parse(timer.scheduledAt));
    });
  }

  async metricsSnapshot() {
    return this.metrics.snapshot(await this.timers.count());
  }

  async prometheus(): Promise<string> {
    return this.metrics.prometheus(await this.timers.count());
  }

  async list(filter: { instanceId?: string; dueBefore?: Date; limit: number }): Promise<TimerRecord[]> {
    if (filter.instanceId) {
      const timers = await this.timers.forInstance(filter.instanceId);
      const before = filter.dueBefore?.getTime();
      return timers.filter((timer) => before === undefined || new Date(timer.dueAt).getTime() <= before).slice(0, filter.limit);
    }
    return this.timers.due(filter.dueBefore ?? END_OF_TIME, filter.limit);
  }

  /** Fires a pending timer now, whatever its due time; audited as forced. */
  async fireNow(id: string, actor: string, reason = 'fired by API'): Promise<void> {
    const timer = await this.require(id);
    await this.runner.apply(timer.instanceId, { kind: 'timer', timerId: id, force: true, actor, reason });
  }

  async reschedule(id: string, dueAt: Date, reason: string, actor: string): Promise<TimerRecord> {
    const timer = await this.require(id);
    await this.runner.apply(timer.instanceId, { kind: 'reschedule-timer', timerId: id, dueAt, reason, actor });
    return this.require(id);
  }

  private async require(id: string): Promise<TimerRecord> {
    const timer = await this.timers.get(id);
    if (!timer) throw new NotFoundError(`No pending timer ${id}`);
    return timer;
  }
}
