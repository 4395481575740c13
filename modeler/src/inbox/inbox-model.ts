/**
 * The tasks the page holds, by id, each at the newest version heard of. Socket events are hints
 * that may arrive late or out of order: one older than what is held is dropped. A REST re-sync
 * replaces everything (REST is the truth; a task it no longer lists is gone).
 */
import type { LiveTask } from '../../../server/live/live-events.js';

export class InboxModel {
  private readonly tasks = new Map<string, LiveTask>();
  /** Versions of tasks removed by an event: a late `task:updated` of the same version must not bring one back. */
  private readonly removed = new Map<string, number>();

  all(): IterableIterator<LiveTask> {
    return this.tasks.values();
  }

  get(id: string): LiveTask | undefined {
    return this.tasks.get(id);
  }

  /** Replaces the whole list with what REST returned. */
  reset(tasks: readonly LiveTask[]): void {
    this.tasks.clear();
    this.removed.clear();
    for (const task of tasks) this.tasks.set(task.id, task);
  }

  /** Applies a task (event or REST); false when it is older than what is held, or removed since. */
  put(task: LiveTask): boolean {
    const held = this.tasks.get(task.id);
    if (held && held.version > task.version) return false;
    const gone = this.removed.get(task.id);
    if (gone !== undefined && gone >= task.version) return false;
    if (task.status !== 'open') return this.drop(task.id, task.version);
    this.removed.delete(task.id);
    this.tasks.set(task.id, task);
    return true;
  }

  /** Drops a task at `version` (completed, cancelled, moved out of sight); false when a newer one is held. */
  drop(id: string, version: number): boolean {
    const held = this.tasks.get(id);
    if (held && held.version > version) return false;
    this.removed.set(id, Math.max(version, this.removed.get(id) ?? 0));
    return this.tasks.delete(id);
  }

  /** Forgets a task regardless of version: REST says it is not (or no longer) visible. */
  forget(id: string): boolean {
    return this.tasks.delete(id);
  }
}
