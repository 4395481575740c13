import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import { crashPoint } from '../crash-points.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { ProcessStarts } from './process-starts.js';
import type { TimerStore } from './timer.store.js';

export interface TimerSchedulerOptions {
  /** How often the store is asked for due timers. */
  pollMs: number;
  batchSize: number;
}

/**
 * Wakes instances whose timers are due. Pending timers are rows written with the step that armed
 * them, so nothing is lost across restarts: a timer that fell due while Baton was down fires on
 * the first poll after start. Firing is idempotent (a timer that is no longer pending is a no-op).
 */
export class TimerScheduler {
  private handle: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly timers: TimerStore,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: TimerSchedulerOptions = { pollMs: 1000, batchSize: 100 },
    private readonly processStarts: ProcessStarts | null = null,
  ) {}

  start(): void {
    if (this.handle) return;
    const loop = () => {
      void this.tick().finally(() => {
        if (this.handle) this.handle = setTimeout(loop, this.options.pollMs);
      });
    };
    this.handle = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    await this.running;
  }

  /** Fires every timer due by the clock now; answers how many fired. Never runs twice at once. */
  tick(): Promise<number> {
    this.running ??= this.fireDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async fireDue(): Promise<number> {
    let fired = (await this.processStarts?.fireDue(this.options.batchSize)) ?? 0;
    // A timer that stays pending after its step (it failed) is tried once per tick, not in a loop.
    const tried = new Set<string>();
    for (;;) {
      const due = (await this.timers.due(this.clock.now(), this.options.batchSize)).filter((timer) => !tried.has(timer.id));
      let progressed = 0;
      for (const timer of due) {
        tried.add(timer.id);
        try {
          crashPoint('timer-fire');
          const result = await this.runner.apply(timer.instanceId, { kind: 'timer', timerId: timer.id });
          if (!result.noop) progressed++;
        } catch (err) {
          this.logger.error({ err, timerId: timer.id, instanceId: timer.instanceId }, 'timer could not fire');
        }
      }
      fired += progressed;
      if (due.length === 0 || progressed === 0) return fired;
    }
  }
}
