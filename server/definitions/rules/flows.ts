/**
 * Sequence flows: both ends connected, and every flow out of a deciding gateway (exclusive or
 * inclusive, more than one way out) either has a condition or is the default. bpmn-engine takes
 * a flow without a condition unconditionally, so a forgotten condition is a silent wrong turn.
 */
import { child, describe, idOf, isModdleElement, text, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

function hasCondition(flow: ModdleElement): boolean {
  const expression = child(flow, 'conditionExpression');
  return expression !== undefined && (text(expression, 'body') ?? '').trim() !== '';
}

export function checkFlows(context: RuleContext): void {
  const outgoing = new Map<ModdleElement, ModdleElement[]>();
  for (const flow of context.runnableElements) {
    if (!flow.$instanceOf('bpmn:SequenceFlow')) continue;
    const source = flow.get('sourceRef');
    const target = flow.get('targetRef');
    if (!isModdleElement(source) || !isModdleElement(target)) {
      // An end that names a missing element was already reported by the reader.
      if (!context.findings.hasErrorAt(idOf(flow))) {
        context.findings.error(flow, `${describe(flow)} is not connected at both ends; connect it or delete it`);
      }
      continue;
    }
    const list = outgoing.get(source) ?? [];
    list.push(flow);
    outgoing.set(source, list);
  }

  for (const [gateway, flows] of outgoing) {
    const decides = gateway.$instanceOf('bpmn:ExclusiveGateway') || gateway.$instanceOf('bpmn:InclusiveGateway');
    if (!decides || flows.length < 2) continue;
    const defaultFlow = gateway.get('default');
    for (const flow of flows) {
      if (flow === defaultFlow || hasCondition(flow)) continue;
      context.findings.error(
        flow,
        `${describe(flow)} from ${describe(gateway)} has no condition and is not the default; ` +
          `the gateway has ${flows.length} outgoing flows, so give this one a condition or make it the default flow`,
      );
    }
  }
}
