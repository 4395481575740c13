/**
 * Rule 10: Camunda 7 and 8 settings Baton reads nothing of but that change what the process does.
 * Accepted (the diagram still runs), each named with a warning on the element that carries it, so
 * the owner knows what will behave differently. Settings that change nothing visible (async
 * continuations, history, job priorities, modeler templates) pass silently.
 */
import { children, describe, extensions, ownerOf, text, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'];

function listenerTypes(container: ModdleElement, property: string): string {
  const types = children(container, property).map((listener) => trimmed(listener, 'type') ?? '?');
  return types.length === 0 ? '' : ` (${types.join(', ')})`;
}

function checkElement(element: ModdleElement, context: RuleContext): void {
  const warn = (message: string) => context.findings.warn(element, `${describe(element)} ${message}`);
  if (trimmed(element, 'camunda:failedJobRetryTimeCycle') !== undefined || extensions(element, 'camunda:FailedJobRetryTimeCycle').length > 0) {
    warn('sets a retry schedule for failed jobs, which Baton does not follow: a failing service call raises an incident at once, retried by an administrator');
  }
  for (const listeners of extensions(element, 'zeebe:ExecutionListeners')) {
    warn(`has Camunda 8 execution listeners${listenerTypes(listeners, 'listeners')}, which Baton does not call; model them as service tasks`);
  }
  for (const listeners of extensions(element, 'zeebe:TaskListeners')) {
    warn(`has Camunda 8 task listeners${listenerTypes(listeners, 'taskListeners')}, which Baton does not call`);
  }
  if (!SERVICE_LIKE.includes(element.$type) && extensions(element, 'camunda:InputOutput').length > 0) {
    warn('has input/output parameters, which Baton applies to service, send and business rule tasks only; here the process variables are used as they are');
  }
  if (!SERVICE_LIKE.includes(element.$type) && extensions(element, 'zeebe:IoMapping').length > 0) {
    warn('has input/output mappings, which Baton applies to service, send and business rule tasks only; here the process variables are used as they are');
  }
}

/** Messages carry a correlation key in Camunda 8; Baton delivers by message name and business key. */
function checkSubscriptions(context: RuleContext): void {
  for (const message of context.everything) {
    if (!message.$instanceOf('bpmn:Message')) continue;
    for (const subscription of extensions(message, 'zeebe:Subscription')) {
      const key = text(subscription, 'correlationKey')?.trim();
      if (!key) continue;
      context.findings.warn(
        ownerOf(message),
        `Message '${trimmed(message, 'name') ?? '?'}' is correlated by the key ${key} in Camunda 8; Baton delivers messages by name and the instance's business key (POST /api/messages)`,
      );
    }
  }
}

/** A Zeebe multi-instance Baton could not turn into a collection (normalizeZeebe) would not run at all. */
function checkZeebeLoops(element: ModdleElement, context: RuleContext): void {
  for (const loop of extensions(element, 'zeebe:LoopCharacteristics')) {
    const owner = ownerOf(element);
    const input = trimmed(loop, 'inputCollection');
    if (input !== undefined && trimmed(element, 'camunda:collection') === undefined) {
      context.findings.error(owner, `${describe(owner)} loops over the FEEL expression ${input}; Baton reads a variable or path there (=items, =order.lines)`);
    }
    if (trimmed(loop, 'outputCollection') !== undefined) {
      context.findings.warn(owner, `${describe(owner)} collects its results into ${trimmed(loop, 'outputCollection')}, which Baton does not fill`);
    }
  }
}

export function checkDialectExtensions(context: RuleContext): void {
  for (const element of context.runnableElements) {
    if (element.$instanceOf('bpmn:FlowElement')) checkElement(element, context);
    if (element.$instanceOf('bpmn:MultiInstanceLoopCharacteristics')) checkZeebeLoops(element, context);
  }
  checkSubscriptions(context);
}
