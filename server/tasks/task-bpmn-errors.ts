/**
 * BPMN errors from people: a person ends a user task with an error code (the customer cannot be
 * reached, the part is discontinued), caught by the error events the diagram draws on the task.
 * The codes it catches come from the task's own diagram version; anything else is refused before
 * the instance is touched, since an uncaught error would fail the whole instance.
 */
import { assertCanActOnTask, canSeeTask } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { catchableErrors, catchableEscalations, type CatchableError, type CatchableEscalation } from '../definitions/catchable-errors.js';
import { parseBpmn } from '../definitions/bpmn-parse.js';
import type { DefinitionService } from '../definitions/definition.service.js';
import { VersionCache } from '../definitions/version-cache.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, TaskChangedError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { ModdleElement } from '../definitions/moddle-element.js';
import type { TaskRecord } from './task.js';
import type { TaskStore } from './task.store.js';

export class TaskBpmnErrors {
  private readonly diagrams = new VersionCache<ModdleElement>();

  constructor(
    private readonly tasks: TaskStore,
    private readonly definitions: DefinitionService,
    private readonly runner: InstanceRunner,
  ) {}

  /** The error codes the diagram catches on the task (empty: the task cannot end with an error). */
  async catchable(task: Pick<TaskRecord, 'processKey' | 'definitionVersion' | 'elementId'>): Promise<CatchableError[]> {
    return catchableErrors(await this.diagram(task), task.elementId);
  }

  /** The escalations boundary events on the task catch (empty: nothing to raise). */
  async escalations(task: Pick<TaskRecord, 'processKey' | 'definitionVersion' | 'elementId'>): Promise<CatchableEscalation[]> {
    return catchableEscalations(await this.diagram(task), task.elementId);
  }

  async escalate(principal: Principal, id: string, escalationCode: string, reason: string, version?: number): Promise<TaskRecord> {
    const task = await this.actionable(principal, id, version);
    const caught = await this.escalations(task);
    const target = caught.find((escalation) => escalation.escalationCode === escalationCode) ?? caught.find((escalation) => escalation.escalationCode === null);
    if (!target) {
      const codes = caught.map((escalation) => escalation.escalationCode).filter((code): code is string => code !== null);
      throw new InvalidInputError(
        codes.length === 0
          ? `Nothing in the diagram catches an escalation on task '${task.name}'`
          : `The diagram does not catch the escalation '${escalationCode}' on task '${task.name}'; it catches: ${codes.join(', ')}`,
        [{ elementId: task.elementId, message: `escalation '${escalationCode}' is not caught here` }],
      );
    }
    await this.runner.apply(task.instanceId, {
      kind: 'task-escalation',
      taskId: task.id,
      boundaryId: target.catchingElementId,
      escalationId: target.escalationId,
      escalationCode,
      reason,
      actor: principal.username,
    });
    return (await this.tasks.get(id)) ?? task;
  }

  private diagram(task: Pick<TaskRecord, 'processKey' | 'definitionVersion'>): Promise<ModdleElement> {
    return this.diagrams.get(`${task.processKey}:${task.definitionVersion}`, async () => (await parseBpmn(await this.definitions.xml(task.processKey, task.definitionVersion))).definitions);
  }

  /** The task, open, at the version the caller saw, and the caller's to act on (as for a completion). */
  private async actionable(principal: Principal, id: string, version?: number): Promise<TaskRecord> {
    const task = await this.tasks.get(id);
    if (!task) throw new NotFoundError(`Task ${id} does not exist`);
    assertCanActOnTask(principal, task);
    if (!canSeeTask(principal, task)) throw new ForbiddenError('The task belongs to a department you are not in');
    if (task.status !== 'open') throw new ConflictError(`The task is ${task.status}`);
    if (version !== undefined && version !== task.version) throw new TaskChangedError(`The task changed meanwhile (version ${version} was seen, it is at ${task.version}); reload it`);
    if (task.assignee !== null && task.assignee !== principal.username && principal.role !== 'admin') throw new ConflictError(`The task is claimed by ${task.assignee}`);
    return task;
  }

  async throwError(principal: Principal, id: string, errorCode: string, reason: string, version?: number): Promise<TaskRecord> {
    const task = await this.actionable(principal, id, version);
    const caught = await this.catchable(task);
    if (!caught.some((error) => error.errorCode === null || error.errorCode === errorCode)) {
      const codes = caught.map((error) => error.errorCode).filter((code): code is string => code !== null);
      throw new InvalidInputError(
        codes.length === 0
          ? `Nothing in the diagram catches an error on task '${task.name}', so it cannot end with one`
          : `The diagram does not catch the error code '${errorCode}' on task '${task.name}'; it catches: ${codes.join(', ')}`,
        [{ elementId: task.elementId, message: `error code '${errorCode}' is not caught here` }],
      );
    }
    await this.runner.apply(task.instanceId, { kind: 'task-error', taskId: task.id, errorCode, reason, actor: principal.username });
    const after = await this.tasks.get(id);
    return after ?? task;
  }
}
