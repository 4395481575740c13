/**
 * Rule 6: every user task reaches a queue. A task nobody is routed to would wait forever in
 * nobody's inbox, which is the problem Baton exists to solve.
 */
import { CUSTOMER_DEPARTMENT } from '../../customer/customer-department.js';
import { isExpression } from '../../engine/expressions/expression.js';
import { laneMatches } from '../../routing/lane-match.js';
import { child, children, describe, extensions, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

/** Flow node → the innermost lane that lists it. */
function laneIndex(processes: readonly ModdleElement[]): Map<ModdleElement, ModdleElement> {
  const index = new Map<ModdleElement, ModdleElement>();
  const pending = processes.flatMap((process) => children(process, 'laneSets'));
  for (let laneSet = pending.shift(); laneSet !== undefined; laneSet = pending.shift()) {
    for (const lane of children(laneSet, 'lanes')) {
      // Breadth first, so a nested lane is indexed after its parent and wins.
      for (const node of children(lane, 'flowNodeRef')) index.set(node, lane);
      const nested = child(lane, 'childLaneSet');
      if (nested !== undefined) pending.push(nested);
    }
  }
  return index;
}

/** Lanes list the top-level nodes only; a task inside a sub-process belongs to its lane. */
function laneOf(task: ModdleElement, lanes: Map<ModdleElement, ModdleElement>): ModdleElement | undefined {
  for (let current: ModdleElement | undefined = task; current !== undefined; current = current.$parent) {
    const lane = lanes.get(current);
    if (lane !== undefined) return lane;
  }
  return undefined;
}

function warnUnknownGroups(task: ModdleElement, groups: string, context: RuleContext): void {
  if (isExpression(groups)) return;
  for (const group of groups.split(',').map((part) => part.trim())) {
    // `customer`: the task waits on the customer's answer on the status page, not in a queue.
    if (group === '' || group === CUSTOMER_DEPARTMENT || context.options.knownDepartments.has(group)) continue;
    context.findings.warn(task, `Candidate group '${group}' is not a known department; its tasks will wait in the unrouted queue`);
  }
}

/** A lane routes the tasks without candidate groups: by department id (any case), else by department name. */
function warnUnknownLane(task: ModdleElement, lane: ModdleElement | undefined, context: RuleContext): void {
  const name = lane === undefined ? undefined : trimmed(lane, 'name');
  if (name === undefined) return;
  if (laneMatches(name, { ids: context.options.knownDepartments, names: context.options.knownDepartmentNames })) return;
  context.findings.warn(task, `Lane '${name}' is not a known department (by id or name); its tasks will wait in the unrouted queue`);
}

/** Standard BPMN people assignment (potentialOwner / humanPerformer with a resource expression), and Zeebe's assignmentDefinition. */
function hasPeopleAssignment(task: ModdleElement): boolean {
  for (const resource of children(task, 'resources')) {
    const expression = child(resource, 'resourceAssignmentExpression');
    const body = expression === undefined ? undefined : child(expression, 'expression');
    if (body !== undefined && trimmed(body, 'body') !== undefined) return true;
  }
  for (const assignment of extensions(task, 'zeebe:AssignmentDefinition')) {
    if (['assignee', 'candidateGroups', 'candidateUsers'].some((attribute) => trimmed(assignment, attribute) !== undefined)) return true;
  }
  return false;
}

export function checkRouting(context: RuleContext): void {
  const lanes = laneIndex(context.runnable);
  for (const task of context.runnableElements) {
    if (!task.$instanceOf('bpmn:UserTask')) continue;
    const groups = trimmed(task, 'camunda:candidateGroups');
    if (groups !== undefined) warnUnknownGroups(task, groups, context);
    const lane = laneOf(task, lanes);
    if (groups === undefined) warnUnknownLane(task, lane, context);
    const routed =
      groups !== undefined ||
      trimmed(task, 'camunda:assignee') !== undefined ||
      trimmed(task, 'camunda:candidateUsers') !== undefined ||
      hasPeopleAssignment(task) ||
      (lane !== undefined && trimmed(lane, 'name') !== undefined);
    // Valid BPMN that Camunda runs: the task opens in the unrouted queue, where an admin or a
    // dispatcher hands it over. A warning, so the owner knows nobody's inbox will show it first.
    if (!routed) {
      context.findings.warn(
        task,
        `${describe(task)} is not routed to anyone, so its tasks will wait in the unrouted queue until an admin hands them over; set candidate groups (a department), candidate users or an assignee, or place it in a named lane`,
      );
    }
  }
}
