/**
 * Camunda 8 (Zeebe) says in extension elements what Camunda 7 and bpmn-engine read from
 * attributes. Applied where the diagram is read (deploy and each step's source), so the engine
 * runs a Zeebe diagram as written: a call activity's `zeebe:calledElement processId` becomes its
 * `calledElement`; a multi-instance's `zeebe:loopCharacteristics inputCollection="=items"
 * inputElement="item"` becomes `camunda:collection="${items}"` and `camunda:elementVariable`
 * (a variable or path only: other FEEL is refused at deploy, rules/dialect-extensions.ts).
 */
import type { ParseResult } from 'bpmn-moddle';

import { descendants, extensions, trimmed, type ModdleElement } from './moddle-element.js';

function set(element: ModdleElement, name: string, value: unknown): void {
  (element as ModdleElement & { set(name: string, value: unknown): void }).set(name, value);
}

/** `=items` or `=order.lines`: what can become a `${…}` collection. */
export const PLAIN_COLLECTION = /^=\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*$/;

export function normalizeZeebe(context: ParseResult): void {
  for (const element of descendants(context.rootElement)) {
    if (element.$instanceOf('bpmn:MultiInstanceLoopCharacteristics') && trimmed(element, 'camunda:collection') === undefined) {
      for (const loop of extensions(element, 'zeebe:LoopCharacteristics')) {
        const collection = PLAIN_COLLECTION.exec(trimmed(loop, 'inputCollection') ?? '')?.[1];
        if (collection === undefined) continue;
        set(element, 'camunda:collection', `\${${collection}}`);
        const item = trimmed(loop, 'inputElement');
        if (item !== undefined) set(element, 'camunda:elementVariable', item);
      }
    }
    if (!element.$instanceOf('bpmn:CallActivity') || trimmed(element, 'calledElement') !== undefined) continue;
    const processId = extensions(element, 'zeebe:CalledElement')
      .map((called) => trimmed(called, 'processId'))
      .find((id) => id !== undefined);
    if (processId !== undefined) set(element, 'calledElement', processId);
  }
}
