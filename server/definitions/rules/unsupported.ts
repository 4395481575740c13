/**
 * Rule 8: elements bpmn-engine cannot run the way the diagram means them, named so the owner can
 * redraw instead of finding out from a stuck instance.
 *
 * Refused: complex gateways (bpmn-elements has no implementation), transactions and cancel events
 * (they depend on compensation), ad-hoc sub-processes (bpmn-elements runs them as ordinary
 * sequential sub-processes, silently changing their meaning), compensation events and
 * compensation handlers, conditional events (nothing re-evaluates their condition when data
 * changes), and call activities that name nothing (or bind to a process their diagram lacks).
 *
 * Accepted on purpose: signal events (bpmn-elements runs them inside one instance; supervisor
 * actions use interrupting signal boundary events and event sub-processes; a thrown signal does
 * not reach other instances), escalation, error, message, timer, link and terminate events,
 * event-based gateways, multi-instance and loops.
 */
import { children, describe, idOf, ownerOf, trimmed, type ModdleElement } from '../moddle-element.js';
import { isExpression } from '../../engine/expressions/expression.js';
import { processesOf } from './processes.js';
import type { RuleContext } from './rule-context.js';

const UNSUPPORTED_ELEMENTS: readonly { type: string; advice: string }[] = [
  { type: 'bpmn:ComplexGateway', advice: 'use an exclusive, inclusive or parallel gateway' },
  { type: 'bpmn:Transaction', advice: 'use a sub-process with error boundary events' },
  { type: 'bpmn:AdHocSubProcess', advice: 'draw the order of its tasks explicitly in a sub-process' },
];

const UNSUPPORTED_EVENTS: readonly { type: string; what: string; advice: string }[] = [
  { type: 'bpmn:CompensateEventDefinition', what: 'a compensation event', advice: 'model the undo steps as ordinary tasks after an error event' },
  { type: 'bpmn:CancelEventDefinition', what: 'a cancel event', advice: 'use an error event instead' },
  { type: 'bpmn:ConditionalEventDefinition', what: 'a conditional event', advice: 'use a message or timer event, or a gateway with conditions' },
];

function checkElement(element: ModdleElement, processIds: ReadonlySet<string>, context: RuleContext): void {
  const unsupported = UNSUPPORTED_ELEMENTS.find(({ type }) => element.$type === type);
  if (unsupported !== undefined) {
    context.findings.error(element, `${describe(element)} is not supported by Baton; ${unsupported.advice}`);
    return;
  }
  if (element.$instanceOf('bpmn:Activity') && element.get('isForCompensation') === true) {
    context.findings.error(element, `${describe(element)} is a compensation handler, which Baton does not run; model the undo steps as ordinary tasks`);
  }
  if (element.$instanceOf('bpmn:CallActivity')) checkCall(element, processIds, context);
  for (const definition of children(element, 'eventDefinitions')) {
    const event = UNSUPPORTED_EVENTS.find(({ type }) => definition.$type === type);
    if (event === undefined) continue;
    const owner = ownerOf(definition);
    context.findings.error(owner, `${describe(owner)} is ${event.what}, which Baton does not support; ${event.advice}`);
  }
}

/**
 * A call names a process of this diagram, or one deployed on its own (calls/call.service.ts starts
 * it when the call is reached; a warning if it is not deployed yet). Binding `deployment` means
 * "of this diagram" in Baton, where a deployment is one diagram.
 */
function checkCall(element: ModdleElement, processIds: ReadonlySet<string>, context: RuleContext): void {
  const called = trimmed(element, 'calledElement');
  if (called === undefined) {
    context.findings.error(element, `${describe(element)} calls nothing; name the process it calls (its id)`);
    return;
  }
  if (processIds.has(called) || isExpression(called)) return;
  const binding = trimmed(element, 'camunda:calledElementBinding') ?? 'latest';
  if (binding === 'deployment') {
    context.findings.error(element, `${describe(element)} calls '${called}' of its own deployment, but this diagram has no process '${called}'`);
    return;
  }
  if (!['latest', 'version', 'versionTag'].includes(binding)) {
    context.findings.error(element, `${describe(element)} binds its call by '${binding}'; Baton binds by latest, version or versionTag`);
    return;
  }
  const known = context.options.deployedProcesses;
  if (known !== undefined && !known.has(called)) {
    context.findings.warn(element, `${describe(element)} calls the process '${called}', which is not deployed yet; deploy it before an instance reaches this call (it then raises an incident)`);
  }
}

export function checkSupportedElements(context: RuleContext): void {
  const processIds = new Set<string>();
  for (const process of processesOf(context.definitions)) {
    const id = idOf(process);
    if (id !== null) processIds.add(id);
  }
  for (const element of context.runnableElements) checkElement(element, processIds, context);
}
