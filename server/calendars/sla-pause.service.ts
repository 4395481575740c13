import { assertCanActOnTask } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import { taskView, type TaskView } from '../tasks/task-sla.js';
import type { CalendarDirectory } from './calendar-directory.js';
import { assertPauseState, pauseSla, pauseState, resumeSla } from './sla-pause.js';

/**
 * The "Waiting on customer" task action: staff stop a ticket's SLA clocks with a reason and start
 * them again (or the customer's answer does, see customerWait in the runner). Each is one step of
 * the instance (amendment: tasks, timers and audit in one transaction), in the instance's queue.
 */
export class SlaPauseService {
  constructor(
    private readonly store: Pick<Store, 'tasks' | 'timers' | 'audit'>,
    private readonly runner: InstanceRunner,
    private readonly calendars: CalendarDirectory,
    private readonly clock: Clock,
  ) {}

  waitOnCustomer(principal: Principal, taskId: string, reason: string): Promise<TaskView> {
    return this.change(principal, taskId, 'pause', reason);
  }

  resume(principal: Principal, taskId: string, reason: string | null): Promise<TaskView> {
    return this.change(principal, taskId, 'resume', reason);
  }

  private async change(principal: Principal, taskId: string, wanted: 'pause' | 'resume', reason: string | null): Promise<TaskView> {
    const seen = await this.openTask(principal, taskId);
    let result: TaskRecord = seen;
    await this.runner.amend(seen.instanceId, async (instance, at) => {
      const task = await this.openTask(principal, taskId);
      const state = await pauseState(this.store.audit, instance.id);
      assertPauseState(state, wanted, instance.ticketNumber);
      const [openTasks, timers, calendars] = await Promise.all([
        this.store.tasks.list({ instanceId: instance.id, status: 'open' }),
        this.store.timers.forInstance(instance.id),
        this.calendars.snapshot(),
      ]);
      const common = { openTasks, timers, calendars, now: new Date(at), actor: principal.username, elementId: task.elementId };
      const change = wanted === 'pause' ? pauseSla({ ...common, reason: reason ?? '', taskId: task.id }) : resumeSla({ ...common, reason, state });
      result = change.tasks.find((candidate) => candidate.id === task.id) ?? task;
      return change;
    });
    return taskView(result, this.clock.now());
  }

  private async openTask(principal: Principal, taskId: string): Promise<TaskRecord> {
    const task = await this.store.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Task ${taskId} does not exist`);
    assertCanActOnTask(principal, task);
    if (task.status !== 'open') throw new ConflictError(`The task is ${task.status}`);
    return task;
  }
}
