/**
 * The external task worker API: fetch-and-lock (with long polling), complete, failure, BPMN error,
 * extend-lock. Locks are rows (they survive restarts); everything that moves an instance goes
 * through the runner, one step in one transaction with its audit events.
 */
import type { Clock } from '../clock.js';
import { ConflictError, IncidentRaisedError, NotFoundError } from '../errors.js';
import type { InstanceEvents } from '../instances/instance-events.js';
import type { InstanceRunner, StepResult } from '../instances/instance-runner.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { ExternalTaskRecord } from './external-task.js';
import type { ExternalTaskStore } from './external-task.store.js';

/**
 * The process could not continue with the worker's answer (a condition after the task failed):
 * nothing of it was kept and the task still waits, so the worker is told (422) rather than 204.
 */
function refusedBy(result: StepResult): void {
  const incident = result.incident;
  if (incident === null || incident.kind !== 'expression') return;
  throw new IncidentRaisedError(`The process could not continue with this answer: ${incident.message}. The task still waits; an administrator can retry incident ${incident.id}.`, [
    { elementId: incident.elementId, message: incident.message },
  ]);
}

/** What a worker gets for a locked task (Camunda 7's LockedExternalTask, variables as plain JSON). */
export interface LockedExternalTask {
  id: string;
  topicName: string;
  workerId: string;
  lockExpirationTime: string;
  processInstanceId: string;
  processDefinitionKey: string;
  activityId: string;
  executionId: string;
  businessKey: string | null;
  ticketNumber: string;
  retries: number | null;
  errorMessage: string | null;
  /** The instance's variables with the task's input parameters over them. */
  variables: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface FetchAndLock {
  workerId: string;
  maxTasks: number;
  topics: { topicName: string; lockDuration: number }[];
  asyncResponseTimeout: number;
}

export class ExternalTaskService {
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private readonly wake = () => this.wakeAll();

  constructor(
    private readonly tasks: ExternalTaskStore,
    private readonly instances: InstanceStore,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
    private readonly events: InstanceEvents,
  ) {
    // Any committed step may have opened a task (or freed one): waiting workers look again.
    events.on('step.committed', this.wake);
  }

  /** Locks free tasks of the topics; with `asyncResponseTimeout`, waits (real time) for one to appear. */
  async fetchAndLock(request: FetchAndLock, aborted: () => boolean = () => false): Promise<LockedExternalTask[]> {
    const deadline = Date.now() + request.asyncResponseTimeout;
    for (;;) {
      // A worker that hung up must not get tasks locked for nobody.
      if (aborted()) return [];
      const locked = await this.tasks.lock({
        workerId: request.workerId,
        topics: request.topics.map((topic) => ({ name: topic.topicName, lockDurationMs: topic.lockDuration })),
        maxTasks: request.maxTasks,
        now: this.clock.now(),
      });
      if (locked.length > 0) return Promise.all(locked.map((task) => this.view(task)));
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.closed) return [];
      await this.nextChange(remaining);
    }
  }

  async complete(id: string, workerId: string, variables: Record<string, unknown>): Promise<void> {
    const task = await this.held(id, workerId);
    refusedBy(await this.runner.apply(task.instanceId, { kind: 'external-complete', executionId: task.executionId, variables, actor: workerId }));
  }

  async bpmnError(id: string, workerId: string, errorCode: string, errorMessage: string, variables: Record<string, unknown>): Promise<void> {
    const task = await this.held(id, workerId);
    refusedBy(await this.runner.apply(task.instanceId, { kind: 'external-error', executionId: task.executionId, errorCode, errorMessage, variables, actor: workerId }));
  }

  async failure(id: string, workerId: string, errorMessage: string, retries: number, retryTimeoutMs: number): Promise<void> {
    const task = await this.held(id, workerId);
    await this.runner.apply(task.instanceId, { kind: 'external-failure', executionId: task.executionId, errorMessage, retries, retryTimeoutMs, actor: workerId });
  }

  async extendLock(id: string, workerId: string, newDurationMs: number): Promise<LockedExternalTask> {
    await this.held(id, workerId);
    const now = this.clock.now();
    const extended = await this.tasks.extendLock(id, workerId, new Date(now.getTime() + newDurationMs), now);
    if (!extended) throw new ConflictError(`Worker '${workerId}' does not hold the lock of external task ${id} (any more)`);
    return this.view(extended);
  }

  async listOpen(topic?: string): Promise<ExternalTaskRecord[]> {
    return this.tasks.listOpen({ topic, limit: 500 });
  }

  /** Answers every waiting fetch (empty) and stops waiting: shutdown. */
  close(): void {
    this.closed = true;
    this.events.off('step.committed', this.wake);
    this.wakeAll();
  }

  /** The task, open and locked by this worker (an expired lock nobody took since still counts). */
  private async held(id: string, workerId: string): Promise<ExternalTaskRecord> {
    const task = await this.tasks.get(id);
    if (!task) throw new NotFoundError(`External task ${id} does not exist`);
    if (task.status !== 'open')
      throw new ConflictError(`External task ${id} is ${task.status === 'incident' ? 'failed (an incident waits for an admin)' : task.status}; nothing more can happen to it`);
    if (task.workerId !== workerId) {
      throw new ConflictError(task.workerId === null ? `External task ${id} is not locked; fetch and lock it first` : `External task ${id} is locked by another worker`);
    }
    return task;
  }

  private async view(task: ExternalTaskRecord): Promise<LockedExternalTask> {
    const instance = await this.instances.get(task.instanceId);
    return {
      id: task.id,
      topicName: task.topic,
      workerId: task.workerId ?? '',
      lockExpirationTime: task.lockExpiresAt ?? '',
      processInstanceId: task.instanceId,
      processDefinitionKey: task.processKey,
      activityId: task.elementId,
      executionId: task.executionId,
      businessKey: task.businessKey,
      ticketNumber: task.ticketNumber,
      retries: task.retries,
      errorMessage: task.errorMessage,
      variables: { ...(instance?.variables ?? {}), ...task.input },
      headers: task.headers,
    };
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
