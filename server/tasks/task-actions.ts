import { assertCanActOnTask, canSeeDepartment, canSeeTask, seesEverything } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { DepartmentService } from '../departments/department.service.js';
import { ConflictError, ForbiddenError, IncidentRaisedError, InvalidInputError, NotFoundError, TaskChangedError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { TimerRecord } from '../timers/timer.js';
import type { UserStore } from '../users/user.store.js';
import type { TaskFilter, TaskHistoryEntry, TaskRecord } from './task.js';
import { validateFormData, withFormDefaults } from './task-form.js';
import { changeTask } from './task-records.js';
import { taskView, type TaskView } from './task-sla.js';
import type { TaskStore } from './task.store.js';

/** Throws a BatonError (4xx) when a completion's data cannot be taken, changing nothing. */
export type CompletionCheck = (task: TaskRecord, output: Record<string, unknown>) => Promise<void>;

/** Tasks for code inside the process that acts on no one's behalf (wiring, tests, benchmarks): no principal, no form check. */
export interface SystemTasks {
  list(filter: TaskFilter): Promise<TaskView[]>;
  get(id: string): Promise<TaskView>;
  complete(task: string | Pick<TaskRecord, 'id' | 'instanceId'>, output: Record<string, unknown>, actor: string, taskVersion?: number): Promise<TaskView>;
}

export interface HandOverTarget {
  department?: string | undefined;
  assignee?: string | undefined;
}

/**
 * What people do with tasks, authorised for the caller: REST routes and socket commands both come
 * here. Every change is one step of the task's instance (task + audit event in one transaction),
 * names the version it saw (a stale one is a 409), and extends the task's owner chain.
 */
export class TaskActions {
  constructor(
    private readonly tasks: TaskStore,
    private readonly runner: InstanceRunner,
    private readonly departments: DepartmentService,
    private readonly users: UserStore,
    private readonly clock: Clock,
    /** A task moved to another department: what else moves with it (its timers counting in the department's calendar, issue 16). */
    private readonly rerouted: ((task: TaskRecord, at: string) => Promise<{ task: TaskRecord; timers?: TimerRecord[]; audit: AuditEventInput[] }>) | null = null,
    /** Checks a completion must pass beyond its form (a technician named must be a real, eligible one). */
    private readonly completionChecks: CompletionCheck[] = [],
  ) {}

  /** The same tasks without a principal (SystemTasks). */
  readonly system: SystemTasks = {
    list: (filter) => this.listAll(filter),
    get: (id) => this.read(id),
    complete: (task, output, actor, taskVersion) => this.completeAs(task, output, actor, taskVersion),
  };

  /** Admins and auditors list anything; others their departments' queues and their own tasks. */
  async list(principal: Principal, filter: TaskFilter): Promise<TaskView[]> {
    if (seesEverything(principal)) return this.listAll(filter);
    if (filter.department !== undefined && !canSeeDepartment(principal, filter.department)) {
      throw new ForbiddenError(`You are not in department ${filter.department}`);
    }
    if (filter.assignee !== undefined && filter.assignee !== principal.username) throw new ForbiddenError('You may list only your own tasks by assignee');
    if (filter.department !== undefined || filter.assignee !== undefined) return this.listAll(filter);
    if (filter.status !== undefined && filter.status !== 'open') return this.listAll({ ...filter, assignee: principal.username });
    const now = this.clock.now();
    return (await this.tasks.inbox(principal.departments, principal.username, filter)).map((task) => taskView(task, now));
  }

  async unrouted(principal: Principal, paging: Pick<TaskFilter, 'limit' | 'offset'>): Promise<TaskView[]> {
    if (!seesEverything(principal)) throw new ForbiddenError('The unrouted queue is for administrators and auditors');
    const now = this.clock.now();
    return (await this.tasks.unrouted(paging)).map((task) => taskView(task, now));
  }

  async get(principal: Principal, id: string): Promise<TaskView> {
    const task = await this.read(id);
    if (!canSeeTask(principal, task)) throw new ForbiddenError('The task belongs to a department you are not in');
    return task;
  }

  async claim(principal: Principal, id: string, version?: number): Promise<TaskView> {
    return this.change(principal, await this.visible(principal, id), version, 'task.claimed', (task, at) => {
      if (task.assignee === principal.username) return null;
      if (task.assignee !== null) throw new ConflictError(`The task is already claimed by ${task.assignee}`);
      return { task: changeTask(task, { assignee: principal.username }, entry('claimed', at, principal, null)), data: {} };
    });
  }

  async release(principal: Principal, id: string, version?: number): Promise<TaskView> {
    return this.change(principal, await this.visible(principal, id), version, 'task.released', (task, at) => {
      if (task.assignee === null) throw new ConflictError('The task is not claimed');
      if (task.assignee !== principal.username && principal.role !== 'admin') throw new ForbiddenError(`Only ${task.assignee} (or an admin) can release it`);
      return { task: changeTask(task, { assignee: null }, entry('released', at, principal, null)), data: { from: task.assignee } };
    });
  }

  /**
   * Passes a task up. When the diagram escalates the task by an interrupting timer, the pass-up is
   * that escalation now: the ticket moves to the next level's step (its own SLA), so the old
   * level's timer cannot take it from its new owner later. Otherwise the task moves to the parent
   * department's queue. Returns the task that now holds the ticket.
   */
  async passUp(principal: Principal, id: string, reason: string, version?: number): Promise<TaskView> {
    const current = await this.visible(principal, id);
    assertOpen(current);
    assertVersion(current, version);
    this.assertOwnerOrFree(principal, current);
    const parent = current.department ? await this.departments.parentOf(current.department) : null;
    // The diagram's own escalation to that level, if it has one: its timer fires now (the old level's timer cannot take the ticket back).
    const step = await this.runner.apply(current.instanceId, {
      kind: 'pass-up',
      taskId: current.id,
      actor: principal.username,
      reason,
      taskVersion: current.version,
      ...(parent ? { toDepartment: parent.id } : {}),
    });
    if (!step.noop) {
      const next = step.opened[0];
      return next ? taskView(next, this.clock.now()) : this.read(current.id);
    }
    if (!parent) throw new ConflictError(`Department ${current.department ?? '(none)'} has no parent to pass the task up to`);
    return this.change(principal, current, version, 'task.passed-up', (task, at) => {
      if (task.department !== current.department) throw new TaskChangedError('The task moved meanwhile; reload it');
      this.assertOwnerOrFree(principal, task);
      const next = changeTask(task, { department: parent.id, assignee: null }, entry('passed-up', at, principal, reason));
      return { task: next, data: { from: { department: task.department, assignee: task.assignee }, to: { department: parent.id }, reason } };
    });
  }

  async handOver(principal: Principal, id: string, target: HandOverTarget, reason: string, version?: number): Promise<TaskView> {
    if (!target.department && !target.assignee) throw new InvalidInputError('Name a department or a person to hand the task over to');
    if (target.department) await this.departments.get(target.department);
    if (target.assignee) {
      const user = await this.users.getByUsername(target.assignee);
      if (!user || user.disabled) throw new InvalidInputError(`No active user named ${target.assignee}`);
    }
    return this.change(principal, await this.visible(principal, id), version, 'task.handed-over', (task, at) => {
      this.assertOwnerOrFree(principal, task);
      const department = target.department ?? task.department;
      const next = changeTask(task, { department, assignee: target.assignee ?? null }, entry('handed-over', at, principal, reason));
      return { task: next, data: { from: { department: task.department, assignee: task.assignee }, to: { department, assignee: next.assignee }, reason } };
    });
  }

  async comment(principal: Principal, id: string, text: string, version?: number): Promise<TaskView> {
    // A comment changes no owner: the task keeps its version, the log records the text.
    return this.change(principal, await this.visible(principal, id), version, 'task.commented', (task) => ({ task, data: { comment: text }, unchanged: true }));
  }

  /** Completes with form data validated against the task's form; the owner or anyone while unclaimed. */
  async complete(principal: Principal, id: string, output: Record<string, unknown>, version?: number): Promise<TaskView> {
    const task = await this.visible(principal, id);
    assertOpen(task);
    assertVersion(task, version);
    this.assertOwnerOrFree(principal, task);
    const filled = withFormDefaults(task.form, output);
    validateFormData(task.form, filled);
    for (const check of this.completionChecks) await check(task, filled);
    // The checks above ran against this version; the step refuses the task if it changed since.
    return this.completeAs(task, filled, principal.username, task.version);
  }

  /**
   * Completes a task with its output, as `actor`. A second completion gets a ConflictError (409),
   * also when two arrive at once: the instance queue serialises them and the second finds the task
   * closed. With `taskVersion`, a task that changed since (claimed by someone else) is refused (409).
   * `task` is an id, or the record a caller has already read: no second read for its instance.
   * Answers the task as the step wrote it.
   */
  async completeAs(task: string | Pick<TaskRecord, 'id' | 'instanceId'>, output: Record<string, unknown>, actor: string, taskVersion?: number): Promise<TaskView> {
    const { id, instanceId } = typeof task === 'string' ? await this.read(task) : task;
    const result = await this.runner.apply(instanceId, { kind: 'complete-task', taskId: id, output, actor, taskVersion });
    if (result.incident && result.incident.kind === 'expression') {
      throw new IncidentRaisedError(
        `The process could not continue after this task: ${result.incident.message}. The task stays open; ` +
          `complete it with corrected data, or an administrator can retry incident ${result.incident.id}.`,
        [{ elementId: result.incident.elementId, message: result.incident.message }],
      );
    }
    const completed = result.tasks.find((candidate) => candidate.id === id);
    return completed ? taskView(completed, this.clock.now()) : this.read(id);
  }

  /** Any task, for callers that checked access themselves (or need none). */
  async read(id: string): Promise<TaskView> {
    const task = await this.tasks.get(id);
    if (!task) throw new NotFoundError(`Task ${id} does not exist`);
    return taskView(task, this.clock.now());
  }

  /** Tasks by filter, for callers that checked access themselves (or need none). */
  async listAll(filter: TaskFilter): Promise<TaskView[]> {
    const now = this.clock.now();
    return (await this.tasks.list(filter)).map((task) => taskView(task, now));
  }

  private async visible(principal: Principal, id: string): Promise<TaskRecord> {
    const task = await this.tasks.get(id);
    if (!task) throw new NotFoundError(`Task ${id} does not exist`);
    assertCanActOnTask(principal, task);
    return task;
  }

  private assertOwnerOrFree(principal: Principal, task: TaskRecord): void {
    if (task.assignee !== null && task.assignee !== principal.username && principal.role !== 'admin') {
      throw new ConflictError(`The task is claimed by ${task.assignee}`);
    }
  }

  /**
   * Runs one change inside the instance's queue on a fresh read of the task (`seen` is the caller's
   * visible() read: it names the instance), so two claims of one
   * task are decided one after the other: the second sees the first's owner.
   */
  private async change(
    principal: Principal,
    seen: TaskRecord,
    version: number | undefined,
    type: string,
    apply: (task: TaskRecord, at: string) => { task: TaskRecord; data: Record<string, unknown>; unchanged?: boolean } | null,
  ): Promise<TaskView> {
    let result: TaskRecord = seen;
    await this.runner.amend(seen.instanceId, async (_instance, at) => {
      const task = await this.tasks.get(seen.id);
      if (!task) throw new NotFoundError(`Task ${seen.id} does not exist`);
      assertCanActOnTask(principal, task);
      assertOpen(task);
      assertVersion(task, version);
      const changed = apply(task, at);
      if (!changed) {
        result = task;
        return { tasks: [], audit: [] };
      }
      const audit: AuditEventInput[] = [{ type, actor: principal.username, elementId: task.elementId, data: { taskId: task.id, version: changed.task.version, ...changed.data } }];
      if (this.rerouted && !changed.unchanged && changed.task.department !== task.department) {
        const moved = await this.rerouted(changed.task, at);
        result = moved.task;
        return { tasks: [moved.task], audit: [...audit, ...moved.audit], ...(moved.timers && { timers: moved.timers }) };
      }
      result = changed.task;
      return { tasks: changed.unchanged ? [] : [changed.task], audit };
    });
    return taskView(result, this.clock.now());
  }
}

function entry(action: TaskHistoryEntry['action'], at: string, principal: Principal, reason: string | null): Omit<TaskHistoryEntry, 'department' | 'assignee'> {
  return { action, at, by: principal.username, reason };
}

function assertOpen(task: TaskRecord): void {
  if (task.status !== 'open') throw new ConflictError(`The task is ${task.status}`);
}

function assertVersion(task: TaskRecord, version: number | undefined): void {
  if (version !== undefined && version !== task.version) {
    throw new TaskChangedError(`The task changed meanwhile (you saw version ${version}, it is at ${task.version}); reload it`);
  }
}
