import type { Clock } from '../clock.js';
import { IncidentRaisedError, NotFoundError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { TaskFilter, TaskRecord } from './task.js';
import { taskView, type TaskView } from './task-sla.js';
import type { TaskStore } from './task.store.js';

export class TaskService {
  constructor(
    private readonly tasks: TaskStore,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
  ) {}

  async list(filter: TaskFilter): Promise<TaskView[]> {
    const now = this.clock.now();
    return (await this.tasks.list(filter)).map((task) => taskView(task, now));
  }

  async get(id: string): Promise<TaskView> {
    const task = await this.tasks.get(id);
    if (!task) throw new NotFoundError(`Task ${id} does not exist`);
    return taskView(task, this.clock.now());
  }

  /**
   * Completes a task with its output. A second completion gets a ConflictError (409), also when
   * two arrive at once: the instance queue serialises them and the second finds the task closed.
   * With `taskVersion`, a task that changed since (claimed by someone else) is refused (409).
   * `task` is an id, or the record a caller has already read (TaskActions): no second read for its instance.
   */
  async complete(task: string | Pick<TaskRecord, 'id' | 'instanceId'>, output: Record<string, unknown>, actor: string, taskVersion?: number): Promise<TaskView> {
    const { id, instanceId } = typeof task === 'string' ? await this.get(task) : task;
    const result = await this.runner.apply(instanceId, { kind: 'complete-task', taskId: id, output, actor, taskVersion });
    if (result.incident && result.incident.kind === 'expression') {
      throw new IncidentRaisedError(
        `The process could not continue after this task: ${result.incident.message}. The task stays open; ` +
          `complete it with corrected data, or an administrator can retry incident ${result.incident.id}.`,
        [{ elementId: result.incident.elementId, message: result.incident.message }],
      );
    }
    return this.get(id);
  }
}
