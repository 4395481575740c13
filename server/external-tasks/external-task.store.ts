import type { ExternalTaskRecord, LockRequest } from './external-task.js';

/**
 * External tasks are written with the step that opens or closes them (StepWrite.externalTasks);
 * locks are the workers' business and change no instance, so they are written here directly.
 */
export interface ExternalTaskStore {
  get(id: string): Promise<ExternalTaskRecord | null>;
  /** The call whose child instance this is (the newest, should a retried call have started another). */
  byChild(childInstanceId: string): Promise<ExternalTaskRecord | null>;
  /** Every external task of the instance, in creation order. */
  forInstance(instanceId: string): Promise<ExternalTaskRecord[]>;
  /** Open tasks, oldest first (the admin's view); `topic` narrows. */
  listOpen(filter: { topic?: string; limit?: number }): Promise<ExternalTaskRecord[]>;
  /**
   * Locks up to `maxTasks` open, available, unlocked (or expired) worker tasks of the topics for the
   * worker, oldest first, atomically: two workers never get the same task.
   */
  lock(request: LockRequest): Promise<ExternalTaskRecord[]>;
  /**
   * Moves the lock of a task the worker holds to `until`. Returns the task, or null when the task
   * is not open or its lock is not (any more) the worker's.
   */
  extendLock(id: string, workerId: string, until: Date, now: Date): Promise<ExternalTaskRecord | null>;
}
