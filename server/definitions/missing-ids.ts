/**
 * Ids are optional in the BPMN schema for sequence flows, the definitions root and a few others,
 * but bpmn-engine needs one on everything it runs (a flow without one broke the engine's queue
 * consumers; definitions without one broke every recover). Baton names them at read time, the
 * same way for the same XML, so the diagram is stored as sent and every later parse of it
 * (deploy, each step's source) agrees on the names.
 */
import type { ParseResult } from 'bpmn-moddle';

import { descendants, idOf, isModdleElement, type ModdleElement } from './moddle-element.js';

/** Elements bpmn-engine addresses by id: everything that runs, and what runs refers to. */
const NEEDS_ID = [
  'bpmn:FlowElement',
  'bpmn:Process',
  'bpmn:LaneSet',
  'bpmn:Lane',
  'bpmn:Message',
  'bpmn:Signal',
  'bpmn:Error',
  'bpmn:Escalation',
  'bpmn:Collaboration',
  'bpmn:Participant',
  'bpmn:MessageFlow',
] as const;

export interface AssignedId {
  /** The element as it reads before it had a name ("Sequence flow from A to B"). */
  element: ModdleElement;
  id: string;
}

/** moddle elements have a generic `set`; the declaration file keeps elements opaque. */
function setId(element: ModdleElement, id: string): void {
  (element as ModdleElement & { set(name: string, value: unknown): void }).set('id', id);
}

function refId(element: ModdleElement, property: string): string {
  const value = element.get(property);
  return isModdleElement(value) ? (idOf(value) ?? 'x') : 'x';
}

/** A name that says where the element is (flows by their ends), made unique with a counter. */
function baseName(element: ModdleElement): string {
  const local = element.$type.slice(element.$type.indexOf(':') + 1);
  if (element.$instanceOf('bpmn:SequenceFlow') || element.$instanceOf('bpmn:MessageFlow')) {
    return `${local}_${refId(element, 'sourceRef')}_${refId(element, 'targetRef')}`;
  }
  return local;
}

/**
 * Gives every element bpmn-engine addresses an id when it has none, in document order, and
 * registers it with the reader's result. Returns what was named (deploy warns about each).
 */
export function assignMissingIds(context: ParseResult): AssignedId[] {
  const root = context.rootElement;
  const all = descendants(root);
  const taken = new Set<string>(Object.keys(context.elementsById));
  for (const element of all) {
    const id = idOf(element);
    if (id !== null) taken.add(id);
  }
  const assigned: AssignedId[] = [];
  const name = (element: ModdleElement, base: string): void => {
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    setId(element, id);
    context.elementsById[id] = element;
    assigned.push({ element, id });
  };
  if (idOf(root) === null) {
    const process = all.find((element) => element.$instanceOf('bpmn:Process') && idOf(element) !== null);
    name(root, `Definitions_${process === undefined ? 'baton' : idOf(process)}`);
  }
  for (const element of all) {
    if (element === root || idOf(element) !== null) continue;
    if (NEEDS_ID.some((type) => element.$instanceOf(type))) name(element, baseName(element));
  }
  return assigned;
}
