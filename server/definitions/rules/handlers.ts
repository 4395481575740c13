/**
 * Rule 7: every service-like task calls a handler registered in code. The name is read with the
 * runtime's own connectorName, so deploy accepts exactly the forms the runner will call.
 */
import { connectorName } from '../../engine/service-binding.js';
import { describe, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'] as const;

function known(context: RuleContext): string {
  const names = [...context.options.knownHandlers].sort();
  return names.length === 0 ? '(none are registered)' : names.join(', ');
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
  const name = connectorName({
    type,
    topic,
    implementation: trimmed(task, 'implementation'),
    expression: trimmed(task, 'camunda:expression'),
  });
  if (name === null) {
    const decision = trimmed(task, 'camunda:decisionRef');
    const why = decision === undefined ? 'names no handler' : `uses the DMN decision '${decision}', which Baton does not evaluate, and names no handler`;
    context.findings.error(
      task,
      `${describe(task)} ${why}; set its implementation to one of: ${known(context)} (or camunda:type="external" with that topic)`,
    );
    return;
  }
  if (!context.options.knownHandlers.has(name)) {
    context.findings.error(task, `${describe(task)} calls the handler '${name}', which Baton does not have; known handlers: ${known(context)}`);
  }
}

export function checkHandlers(context: RuleContext): void {
  for (const element of context.runnableElements) {
    if (SERVICE_LIKE.some((type) => element.$type === type)) checkServiceTask(element, context);
  }
}
