import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { TaskStore } from '../tasks/task.store.js';
import { slaState } from '../tasks/task-sla.js';
import { taskData, taskTarget, type NotificationService } from './notification.service.js';

/** At most this many open tasks are looked at per sweep (the oldest first). */
const SWEEP_LIMIT = 5000;

/**
 * SLA notifications by time: an open task past its warning time is "at risk", past its due time
 * "breached", told to its owner or queue once per deadline (the key names the deadline, so the
 * diagram's own warning step, the `notify` connector, and this sweep never tell twice). Catches
 * tasks whose SLA has no timer in the diagram (a `camunda:dueDate` only).
 */
export class SlaWatch {
  private timer: NodeJS.Timeout | null = null;
  /** Keys this process has told already: a long-breached task costs no lookups minute after minute. */
  private readonly told = new Set<string>();

  constructor(
    private readonly tasks: TaskStore,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'SLA notification sweep failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; returns how many notifications it stored. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    let added = 0;
    if (this.told.size > 100_000) this.told.clear();
    for (const task of await this.tasks.list({ status: 'open', limit: SWEEP_LIMIT })) {
      const state = slaState(task, now);
      if (state !== 'breached' && state !== 'at-risk') continue;
      const kind = state === 'breached' ? 'sla-breached' : 'sla-at-risk';
      const dedupeKey = state === 'breached' ? `sla-breached:${task.id}` : atRiskKey(task);
      // The owner may change (a claim, a hand-over): the key is per holder too.
      const told = `${dedupeKey}:${task.assignee ?? task.department ?? ''}`;
      if (this.told.has(told)) continue;
      added += (await this.notifications.notify(kind, { ...taskTarget(task), data: taskData(task), dedupeKey })).length;
      this.told.add(told);
    }
    return added;
  }
}

/** One "at risk" per task and warning time. */
export function atRiskKey(task: { id: string; warnAt: string | null }): string {
  return `sla-at-risk:${task.id}:${task.warnAt ?? ''}`;
}
