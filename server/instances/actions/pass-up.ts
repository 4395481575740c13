import type { SerializableContext } from 'moddle-context-serializer';

import { assertOpenTask, type ActionHandler, type ActionOf } from './action.js';

/**
 * A person passes a task up the way the diagram escalates it: its interrupting boundary timer
 * (leading to the level passed to) fires now, during resume. A noop when the task has no such timer.
 */
export const passUp: ActionHandler<ActionOf<'pass-up'>> = {
  check(action, step) {
    assertOpenTask(step, action.taskId, action.taskVersion);
    return 'go';
  },
  prepare(action, step, source) {
    const task = assertOpenTask(step, action.taskId, undefined);
    const timer = step.pendingTimers.find((candidate) => escalates(source, candidate.elementId, task.elementId) && leadsTo(source, candidate.elementId, action.toDepartment));
    if (!timer) return 'noop';
    step.saved.set(timer.executionId, step.clock.now());
    step.leading.push({
      type: 'task.passed-up',
      actor: action.actor,
      elementId: task.elementId,
      data: {
        taskId: task.id,
        version: task.version,
        from: { department: task.department, assignee: task.assignee },
        to: { department: null },
        reason: action.reason,
        timerElementId: timer.elementId,
      },
    });
    return 'go';
  },
  async apply() {
    return 'go';
  },
};

/** Whether `timerElementId` is an interrupting boundary timer on `taskElementId`: the step its SLA escalates by. */
function escalates(source: SerializableContext, timerElementId: string, taskElementId: string): boolean {
  const behaviour = source.getActivityById(timerElementId)?.behaviour as { attachedTo?: { id?: string }; cancelActivity?: boolean } | undefined;
  return behaviour?.attachedTo?.id === taskElementId && behaviour.cancelActivity !== false;
}

/**
 * Whether the escalation path from a boundary timer reaches a user task of `department` (the
 * level a person passes up to): the first user tasks after the timer, through gateways and events,
 * by their static candidate group. A path whose groups are not written out (an expression, a lane)
 * counts as leading there; so does any path when no department is named.
 */
function leadsTo(source: SerializableContext, timerElementId: string, department: string | undefined): boolean {
  if (!department) return true;
  const seen = new Set<string>();
  const groups: string[] = [];
  let frontier = [timerElementId];
  for (let depth = 0; depth < 10 && frontier.length; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const flow of source.getOutboundSequenceFlows(id) as unknown as { targetId: string }[]) {
        if (seen.has(flow.targetId)) continue;
        seen.add(flow.targetId);
        const target = source.getActivityById(flow.targetId) as { type?: string; behaviour?: { candidateGroups?: string } } | undefined;
        if (target?.type === 'bpmn:UserTask') {
          const group = target.behaviour?.candidateGroups?.split(',')[0]?.trim() ?? '';
          if (!group || /[$#=]/.test(group)) return true;
          groups.push(group);
        } else {
          next.push(flow.targetId);
        }
      }
    }
    frontier = next;
  }
  return groups.length === 0 || groups.includes(department);
}
