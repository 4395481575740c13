/**
 * Camunda 8 (Zeebe) says in extension elements what Camunda 7 and bpmn-engine read from
 * attributes. Applied where the diagram is read (deploy and each step's source), so the engine
 * runs a Zeebe diagram as written: a call activity's `zeebe:calledElement processId` becomes its
 * `calledElement`.
 */
import type { ParseResult } from 'bpmn-moddle';

import { descendants, extensions, trimmed, type ModdleElement } from './moddle-element.js';

function set(element: ModdleElement, name: string, value: unknown): void {
  (element as ModdleElement & { set(name: string, value: unknown): void }).set(name, value);
}

export function normalizeZeebe(context: ParseResult): void {
  for (const element of descendants(context.rootElement)) {
    if (!element.$instanceOf('bpmn:CallActivity') || trimmed(element, 'calledElement') !== undefined) continue;
    const processId = extensions(element, 'zeebe:CalledElement').map((called) => trimmed(called, 'processId')).find((id) => id !== undefined);
    if (processId !== undefined) set(element, 'calledElement', processId);
  }
}
