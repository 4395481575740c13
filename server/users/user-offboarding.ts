import type { Clock } from '../clock.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import { changeTask } from '../tasks/task-records.js';
import type { TaskStore } from '../tasks/task.store.js';

/**
 * When a user is disabled, the open tasks they hold go back to their departments' queues: each
 * release is a step of its instance (task version, owner chain and a `task.released` audit event
 * naming the admin and why), so nobody's work waits on a person who can no longer sign in.
 */
export class UserOffboarding {
  constructor(
    private readonly tasks: TaskStore,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
  ) {}

  /** Releases every open task assigned to `username`; answers the task ids released. */
  async releaseTasksOf(username: string, actor: string, reason: string): Promise<string[]> {
    const held = await this.tasks.list({ assignee: username, status: 'open', limit: 10_000 });
    const released: string[] = [];
    for (const seen of held) {
      await this.runner.amend(seen.instanceId, async () => {
        const task = await this.tasks.get(seen.id);
        // Completed or handed on meanwhile: nothing of theirs to return.
        if (!task || task.status !== 'open' || task.assignee !== username) return { tasks: [], audit: [] };
        const at = this.clock.now().toISOString();
        const next = changeTask(task, { assignee: null }, { action: 'released', at, by: actor, reason });
        released.push(task.id);
        return {
          tasks: [next],
          audit: [{ type: 'task.released', actor, elementId: task.elementId, data: { taskId: task.id, version: next.version, from: username, owner: null, reason, intervention: true } }],
        };
      });
    }
    return released;
  }
}
