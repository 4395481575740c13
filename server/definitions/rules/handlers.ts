/**
 * Rule 7: every service-like task calls a handler registered in code. The name is read with the
 * runtime's own connectorName, so deploy accepts exactly the forms the runner will call. Each
 * refusal names what the task actually says (a Camunda 7 expression, a Camunda 8 job type), so
 * the owner sees why, not just "no handler".
 */
import { connectorName } from '../../engine/service-binding.js';
import { children, describe, extensions, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'] as const;

function known(context: RuleContext): string {
  const names = [...context.options.knownHandlers].sort();
  return names.length === 0 ? '(none are registered)' : names.join(', ');
}

/** `<zeebe:taskDefinition type="…"/>` as the deploy reader sees it. */
function zeebeType(task: ModdleElement): string | undefined {
  for (const definition of extensions(task, 'zeebe:TaskDefinition')) {
    const type = trimmed(definition, 'type');
    if (type !== undefined) return type;
  }
  return undefined;
}

/** Extension values as the runtime reads them (`$type` and plain properties). */
function extensionValues(task: ModdleElement): { $type: string; type?: string }[] {
  const container = task.get('extensionElements');
  if (typeof container !== 'object' || container === null || !('get' in container)) return [];
  return children(container as ModdleElement, 'values').map((value) => ({ $type: value.$type, type: trimmed(value, 'type') }));
}

function checkServiceTask(task: ModdleElement, context: RuleContext): void {
  // Java delegates are reported by the no-code rule; a second "no handler" error adds nothing.
  if (trimmed(task, 'camunda:class') !== undefined || trimmed(task, 'camunda:delegateExpression') !== undefined) return;

  const type = trimmed(task, 'camunda:type');
  const topic = trimmed(task, 'camunda:topic');
  if (type === 'external' && topic === undefined) {
    context.findings.error(task, `${describe(task)} is an external task without a topic; set the topic to one of: ${known(context)}`);
    return;
  }
  const expression = trimmed(task, 'camunda:expression');
  const jobType = zeebeType(task);
  const name = connectorName({ type, topic, implementation: trimmed(task, 'implementation'), expression, extensionElements: { values: extensionValues(task) } });
  if (name === null) {
    const decision =
      trimmed(task, 'camunda:decisionRef') ??
      extensions(task, 'zeebe:CalledDecision')
        .map((called) => trimmed(called, 'decisionId'))
        .find((id) => id !== undefined);
    let why = 'names no handler';
    if (decision !== undefined) why = `uses the DMN decision '${decision}', which Baton does not evaluate, and names no handler`;
    else if (expression !== undefined) why = `runs the expression ${expression} (a Java bean call in Camunda 7), which Baton does not run`;
    context.findings.error(task, `${describe(task)} ${why}; set its implementation to one of: ${known(context)} (or camunda:type="external" with that topic)`);
    return;
  }
  if (!context.options.knownHandlers.has(name) && (type === 'external' || jobType !== undefined)) {
    // A topic or job type is a contract with a worker, not a call Baton makes: the task waits.
    context.findings.warn(
      task,
      `${describe(task)} has the ${type === 'external' ? 'topic' : 'Camunda 8 job type'} '${name}', which has no built-in handler (${known(context)}); it waits for an external worker (POST /api/external-tasks/fetch-and-lock)`,
    );
    return;
  }
  if (!context.options.knownHandlers.has(name)) {
    const source = expression !== undefined ? `runs the expression ${expression}, which Baton reads as the handler '${name}'` : `calls the handler '${name}'`;
    context.findings.error(task, `${describe(task)} ${source}, which Baton does not have; known handlers: ${known(context)}`);
  }
}

export function checkHandlers(context: RuleContext): void {
  for (const element of context.runnableElements) {
    if (SERVICE_LIKE.some((type) => element.$type === type)) checkServiceTask(element, context);
  }
}
