import type { SerializableContext } from 'moddle-context-serializer';

import type { AuditStore } from '../audit/audit.store.js';
import { customerWaitTurns } from '../calendars/runner-calendars.js';
import { pauseState, type SlaPauseState } from '../calendars/sla-pause.js';
import type { ElementApi } from '../engine/engine-types.js';
import type { StepSnapshot } from '../engine/step-run.js';
import { iterationVariables, resolveTaskName, resolveUserTask, type UserTaskAttributes, type UserTaskBehaviour } from '../engine/user-task-attributes.js';
import { ExpressionError } from '../errors.js';
import type { TaskRouting } from '../routing/task-router.js';
import type { TaskRecord } from '../tasks/task.js';
import { taskFormFields } from '../tasks/task-form-fields.js';
import { openTask } from '../tasks/task-records.js';
import type { InstanceRecord } from './instance.js';
import { TASK_TYPES } from './project-tasks.js';

/** A user task's assignee, due date or routing expression failed while the step opened it: an incident, not a task without them. */
export class TaskAttributeFailure extends Error {
  constructor(
    readonly elementId: string,
    message: string,
  ) {
    super(message);
  }
}

/** Routing from the diagram alone, for runners without a people directory. */
export const diagramOnlyRouting: TaskRouting = {
  async route(input) {
    const department = input.candidateGroups[0] ?? input.laneName ?? null;
    return { department, assignee: input.assignee, reason: department ? `department ${department} from the diagram` : 'unrouted' };
  },
};

/**
 * What a step's projection needs from outside the engine, resolved before it: the tasks the step
 * opens, routed (the router may read people and queues), and the ticket's SLA pause state when the
 * step opens the first task for the customer or closes the last (read from the audit log).
 */
export async function resolveOpenedTasks(input: {
  router: TaskRouting;
  audit: AuditStore;
  instance: InstanceRecord;
  snapshot: StepSnapshot;
  source: SerializableContext;
  openTasks: TaskRecord[];
  at: string;
}): Promise<{ routed: Map<string, TaskRecord>; pause: SlaPauseState | null }> {
  const { instance, snapshot, openTasks } = input;
  const known = new Set(openTasks.map((task) => task.id));
  const routed = new Map<string, TaskRecord>();
  for (const api of snapshot.waiting) {
    if (!TASK_TYPES.has(api.type) || known.has(api.executionId)) continue;
    routed.set(api.executionId, await openTaskFor(input.router, api, instance, snapshot.variables, input.at, input.source));
  }
  if (snapshot.ended !== null) return { routed, pause: null };
  const waitingIds = new Set(snapshot.waiting.map((api) => api.executionId));
  const openAfter = [...openTasks.filter((task) => waitingIds.has(task.id)), ...routed.values()];
  const pause = customerWaitTurns(openTasks, openAfter) ? await pauseState(input.audit, instance.id) : null;
  return { routed, pause };
}

async function openTaskFor(router: TaskRouting, api: ElementApi, instance: InstanceRecord, variables: Record<string, unknown>, at: string, source: SerializableContext): Promise<TaskRecord> {
  const behaviour = api.owner.behaviour as UserTaskBehaviour;
  let attributes: UserTaskAttributes;
  try {
    attributes = resolveUserTask(behaviour, { ...variables, ...api.environment.variables, ...iterationVariables(api) });
  } catch (err) {
    // As for a condition: the step is not kept, an incident says why (a start is refused).
    if (err instanceof ExpressionError) throw new TaskAttributeFailure(api.id, err.message);
    throw err;
  }
  const decision = await router.route({
    candidateGroups: attributes.candidateGroups,
    candidateUsers: attributes.candidateUsers,
    assignee: attributes.assignee,
    laneName: api.owner.lane?.name ?? null,
    properties: attributes.properties,
  });
  return openTask({
    id: api.executionId,
    instanceId: instance.id,
    ticketNumber: instance.ticketNumber,
    processKey: instance.processKey,
    definitionVersion: instance.definitionVersion,
    elementId: api.id,
    name: resolveTaskName(api.owner.name ?? api.name ?? api.id, { ...variables, ...api.environment.variables, ...iterationVariables(api) }),
    department: decision.department,
    candidateGroups: attributes.candidateGroups,
    candidateUsers: attributes.candidateUsers,
    assignee: decision.assignee,
    routingReason: decision.reason,
    priority: attributes.priority,
    dueAt: attributes.dueAt,
    formKey: attributes.formKey,
    form: taskFormFields(behaviour.extensionElements?.values ?? [], attributes.formKey, processExtensionValues(source)),
    createdAt: at,
  });
}

/** Every process's extension values in the step's diagram: where embedded task forms live. */
function processExtensionValues(source: SerializableContext): unknown[][] {
  return source.getProcesses().map((process) => {
    const extensions = (process.behaviour as { extensionElements?: { values?: unknown } } | undefined)?.extensionElements;
    return Array.isArray(extensions?.values) ? extensions.values : [];
  });
}
