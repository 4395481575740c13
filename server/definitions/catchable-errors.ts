/**
 * Which BPMN error codes a diagram catches on an activity: error boundary events on it or on a
 * sub-process around it, and error start events of event sub-processes in its scopes. What the
 * inbox offers a person who ends a task with an error, and what that action is checked against.
 * Pure (moddle elements only), so it can run anywhere the diagram is read.
 */
import type { CatchableError, CatchableEscalation } from '../contracts/tasks.js';

import { child, children, descendants, idOf, trimmed, type ModdleElement } from './moddle-element.js';

export type { CatchableError, CatchableEscalation };

function errorsCaughtBy(event: ModdleElement): CatchableError[] {
  const result: CatchableError[] = [];
  for (const definition of children(event, 'eventDefinitions')) {
    if (!definition.$instanceOf('bpmn:ErrorEventDefinition')) continue;
    const error = child(definition, 'errorRef');
    result.push({
      errorCode: error === undefined ? null : (trimmed(error, 'errorCode') ?? null),
      name: (error === undefined ? undefined : trimmed(error, 'name')) ?? trimmed(event, 'name') ?? null,
      catchingElementId: idOf(event),
    });
  }
  return result;
}

/** The errors that end `elementId` through a catching event instead of failing the instance. */
export function catchableErrors(definitions: ModdleElement, elementId: string): CatchableError[] {
  const all = descendants(definitions);
  const target = all.find((element) => idOf(element) === elementId);
  if (target === undefined) return [];
  const boundaries = all.filter((element) => element.$instanceOf('bpmn:BoundaryEvent'));
  const result: CatchableError[] = [];
  for (let scope: ModdleElement | undefined = target; scope !== undefined; scope = scope.$parent) {
    for (const boundary of boundaries) {
      if (boundary.get('attachedToRef') === scope) result.push(...errorsCaughtBy(boundary));
    }
    if (scope !== target && (scope.$instanceOf('bpmn:SubProcess') || scope.$instanceOf('bpmn:Process'))) {
      for (const node of children(scope, 'flowElements')) {
        if (!node.$instanceOf('bpmn:SubProcess') || node.get('triggeredByEvent') !== true) continue;
        for (const start of children(node, 'flowElements')) {
          if (start.$instanceOf('bpmn:StartEvent')) result.push(...errorsCaughtBy(start));
        }
      }
    }
  }
  return result;
}

/** Escalation boundary events on the activity itself: what a person may raise while working on it. */
export function catchableEscalations(definitions: ModdleElement, elementId: string): CatchableEscalation[] {
  const all = descendants(definitions);
  const target = all.find((element) => idOf(element) === elementId);
  if (target === undefined) return [];
  const result: CatchableEscalation[] = [];
  for (const boundary of all) {
    if (!boundary.$instanceOf('bpmn:BoundaryEvent') || boundary.get('attachedToRef') !== target) continue;
    const catchingElementId = idOf(boundary);
    if (catchingElementId === null) continue;
    for (const definition of children(boundary, 'eventDefinitions')) {
      if (!definition.$instanceOf('bpmn:EscalationEventDefinition')) continue;
      const escalation = child(definition, 'escalationRef');
      result.push({
        escalationCode: escalation === undefined ? null : (trimmed(escalation, 'escalationCode') ?? null),
        name: (escalation === undefined ? undefined : trimmed(escalation, 'name')) ?? trimmed(boundary, 'name') ?? null,
        catchingElementId,
        escalationId: escalation === undefined ? null : idOf(escalation),
        interrupting: boundary.get('cancelActivity') !== false,
      });
    }
  }
  return result;
}
