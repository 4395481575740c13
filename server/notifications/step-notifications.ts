import type { Logger } from 'pino';

import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import type { TaskRecord } from '../tasks/task.js';
import { taskData, taskTarget, type NotificationService } from './notification.service.js';

/** Actions after which a task has a new holder who should hear of it. */
const NEW_HOLDER = new Set(['routed', 'passed-up', 'handed-over', 'escalated']);

/**
 * Notifications that follow from a committed step: a task that opens or moves tells its new
 * owner (assigned to you) or its new queue (new in your queue), not the person who moved it; a
 * task an SLA timer took away tells who held it (SLA breached). After the commit, like the live
 * inbox: a notification is never about unsaved state.
 */
export class StepNotifications {
  private readonly listener = (step: StepCommitted) => void this.onStep(step);

  constructor(
    private readonly events: InstanceEvents,
    private readonly notifications: NotificationService,
    private readonly logger: Logger,
  ) {
    events.on('step.committed', this.listener);
  }

  close(): void {
    this.events.off('step.committed', this.listener);
  }

  /** Resolves when this step's notifications are stored (tests await it through `settled`). */
  private pending: Promise<unknown> = Promise.resolve();

  settled(): Promise<unknown> {
    return this.pending;
  }

  private async onStep(step: StepCommitted): Promise<void> {
    const work = this.handle(step).catch((err: unknown) => this.logger.warn({ err, instanceId: step.instance.id }, 'notifications of a step failed'));
    this.pending = Promise.all([this.pending, work]);
    await work;
  }

  private async handle(step: StepCommitted): Promise<void> {
    for (const task of step.tasks) {
      if (task.status === 'open') await this.newHolder(task);
      else if (task.status === 'cancelled' && step.tasks.some((next) => next.escalatedFrom?.taskId === task.id)) await this.breached(task);
    }
  }

  private async newHolder(task: TaskRecord): Promise<void> {
    const last = task.history.at(-1);
    if (!last || !NEW_HOLDER.has(last.action)) return;
    const kind = task.assignee ? 'assigned' : 'queue';
    if (kind === 'queue' && !task.department) return;
    await this.notifications.notify(kind, {
      ...taskTarget(task),
      data: { ...taskData(task), by: last.by },
      dedupeKey: `${kind}:${task.id}:${task.version}`,
      except: last.by,
    });
  }

  private async breached(task: TaskRecord): Promise<void> {
    await this.notifications.notify('sla-breached', { ...taskTarget(task), data: taskData(task), dedupeKey: `sla-breached:${task.id}` });
  }
}
