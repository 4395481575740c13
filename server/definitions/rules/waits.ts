/**
 * Rule 9: every wait can end. A receive task or message catch event without a named message can
 * never be continued (messages are delivered by name), so an instance reaching it would be stuck
 * until someone cancels it; refused with the element named.
 */
import { child, children, describe, ownerOf, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

function messageName(holder: ModdleElement): string | undefined {
  const message = child(holder, 'messageRef');
  return message === undefined ? undefined : trimmed(message, 'name');
}

export function checkWaits(context: RuleContext): void {
  for (const element of context.runnableElements) {
    if (element.$instanceOf('bpmn:ReceiveTask') && messageName(element) === undefined) {
      context.findings.error(
        element,
        `${describe(element)} waits for no named message, so nothing could ever continue it; pick or create a message with a name (POST /api/messages delivers it by name)`,
      );
    }
    // Start events are the identity rule's (message starts need a name there too); throws send nothing to wait for.
    if (!element.$instanceOf('bpmn:IntermediateCatchEvent') && !element.$instanceOf('bpmn:BoundaryEvent')) continue;
    for (const definition of children(element, 'eventDefinitions')) {
      if (!definition.$instanceOf('bpmn:MessageEventDefinition') || messageName(definition) !== undefined) continue;
      const owner = ownerOf(definition);
      context.findings.error(owner, `${describe(owner)} waits for a message without a name, so nothing could ever deliver it; pick or create a message with a name`);
    }
  }
}
