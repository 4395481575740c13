/** Key, name, ticket prefix and start messages of the executable process. */
import type { StartTimer } from '../definition.js';
import { children, child, describe, extensions, idOf, text, trimmed, type ModdleElement } from '../moddle-element.js';
import type { Findings } from '../validation-types.js';

const TICKET_PREFIX = /^[A-Z0-9]{1,6}$/;
/** Word starts in an id: after a separator, or a capital after a lower-case letter or digit. */
const WORD_SEPARATOR = /[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/;

export function processName(process: ModdleElement, key: string): string {
  return trimmed(process, 'name') ?? key;
}

/** 'helpdesk-escalation' → 'HE', 'refundRequest' → 'RR'; never empty. */
export function derivePrefix(key: string): string {
  const initials = key
    .split(WORD_SEPARATOR)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0))
    .join('')
    .toUpperCase()
    .slice(0, 6);
  // Ids made only of separators ('___') have no initials; tickets still need a prefix.
  return initials === '' ? 'T' : initials;
}

function camundaProperty(element: ModdleElement, name: string): string | undefined {
  for (const properties of extensions(element, 'camunda:Properties')) {
    for (const property of children(properties, 'values')) {
      if (text(property, 'name')?.trim() === name) return text(property, 'value') ?? '';
    }
  }
  return undefined;
}

export function ticketPrefix(process: ModdleElement, key: string, findings: Findings): string {
  const declared = camundaProperty(process, 'ticketPrefix');
  if (declared === undefined) return derivePrefix(key);
  const value = declared.trim();
  if (!TICKET_PREFIX.test(value)) {
    findings.error(process, `${describe(process)} sets ticketPrefix '${value}', but a ticket prefix must be 1 to 6 uppercase letters or digits (e.g. 'HD')`);
    return derivePrefix(key);
  }
  return value;
}

/**
 * Timer start events of the process that start a new instance on their own (every morning, once
 * on a date). Only literal values can: before an instance exists there are no variables.
 */
export function startTimers(process: ModdleElement, findings: Findings): StartTimer[] {
  const result: StartTimer[] = [];
  for (const node of children(process, 'flowElements')) {
    if (!node.$instanceOf('bpmn:StartEvent')) continue;
    for (const definition of children(node, 'eventDefinitions')) {
      if (!definition.$instanceOf('bpmn:TimerEventDefinition')) continue;
      for (const timerType of ['timeCycle', 'timeDate', 'timeDuration'] as const) {
        const value = (text(child(definition, timerType) ?? definition, 'body') ?? '').trim();
        if (child(definition, timerType) === undefined || value === '') continue;
        if (value.startsWith('=') || value.includes('${') || value.includes('#{')) {
          findings.warn(
            node,
            `${describe(node)} has a timer whose ${timerType} is an expression: the process cannot start itself by it (there are no variables before an instance exists); an instance started through the API waits for it`,
          );
        } else {
          result.push({ elementId: idOf(node) ?? '', timerType, value });
        }
      }
    }
  }
  return result;
}

/** Names of the messages that start the process; a message start event without one is an error. */
export function startMessages(process: ModdleElement, findings: Findings): string[] {
  const names = new Set<string>();
  for (const node of children(process, 'flowElements')) {
    if (!node.$instanceOf('bpmn:StartEvent')) continue;
    for (const definition of children(node, 'eventDefinitions')) {
      if (!definition.$instanceOf('bpmn:MessageEventDefinition')) continue;
      const message = child(definition, 'messageRef');
      const name = message === undefined ? undefined : trimmed(message, 'name');
      if (name === undefined) {
        findings.error(node, `${describe(node)} is a message start event without a named message; pick or create a message with a name, which intake uses to start the process`);
      } else {
        names.add(name);
      }
    }
  }
  return [...names];
}
