/**
 * Typed reading of bpmn-moddle elements. The meta-model is dynamic (its shape depends on `$type`
 * and the extension packages loaded), so every property is read through `get` and narrowed here
 * instead of trusting a static interface.
 */
import type { ModdleElement } from 'bpmn-moddle';

export type { ModdleElement };

export function isModdleElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && '$type' in value && typeof value.$type === 'string' && 'get' in value && typeof value.get === 'function';
}

/** A string property, `undefined` when unset or not a string. */
export function text(element: ModdleElement, property: string): string | undefined {
  const value = element.get(property);
  return typeof value === 'string' ? value : undefined;
}

/** A string property with surrounding whitespace removed; empty counts as unset. */
export function trimmed(element: ModdleElement, property: string): string | undefined {
  const value = text(element, property)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function flag(element: ModdleElement, property: string): boolean {
  return element.get(property) === true;
}

export function child(element: ModdleElement, property: string): ModdleElement | undefined {
  const value = element.get(property);
  return isModdleElement(value) ? value : undefined;
}

export function children(element: ModdleElement, property: string): ModdleElement[] {
  const value = element.get(property);
  return Array.isArray(value) ? value.filter(isModdleElement) : [];
}

export function idOf(element: ModdleElement): string | null {
  return trimmed(element, 'id') ?? null;
}

/**
 * Elements contained in `element` (not the ones it only references). The `$parent` test is what
 * tells containment from reference: moddle sets it on contained children only, so a flow's
 * `sourceRef` or a lane's `flowNodeRef` is not walked into twice.
 */
function containedChildren(element: ModdleElement): ModdleElement[] {
  const result: ModdleElement[] = [];
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('$')) continue;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const candidate of values) {
      if (isModdleElement(candidate) && candidate.$parent === element) result.push(candidate);
    }
  }
  return result;
}

/** Every element under `root` (root included), depth first in document order. */
export function descendants(root: ModdleElement): ModdleElement[] {
  const result: ModdleElement[] = [];
  // An explicit stack: the pre-scan allows 64 levels, but nothing here should depend on that.
  const stack: ModdleElement[] = [root];
  while (stack.length > 0) {
    const element = stack.pop();
    if (element === undefined) break;
    result.push(element);
    stack.push(...containedChildren(element).reverse());
  }
  return result;
}

/**
 * The element a process owner would click on for a problem found in `element`: the flow node,
 * flow, lane or process around an expression, event definition or extension element.
 */
export function ownerOf(element: ModdleElement): ModdleElement {
  let fallback: ModdleElement | undefined;
  for (let current: ModdleElement | undefined = element; current; current = current.$parent) {
    // Event definitions are root elements in the BPMN model, but the owner clicks on the event.
    const isOwner =
      current.$instanceOf('bpmn:FlowElement') ||
      (current.$instanceOf('bpmn:RootElement') && !current.$instanceOf('bpmn:EventDefinition')) ||
      current.$instanceOf('bpmn:Lane') ||
      current.$instanceOf('bpmn:Participant');
    if (isOwner) {
      return current;
    }
    if (fallback === undefined && idOf(current) !== null) fallback = current;
  }
  return fallback ?? element;
}

/** 'bpmn:ExclusiveGateway' → 'Exclusive gateway'. */
export function kindOf(element: ModdleElement): string {
  const local = element.$type.slice(element.$type.indexOf(':') + 1);
  const words = local.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "User task 'Review' (Task_1)", the way every issue names an element. */
export function describe(element: ModdleElement): string {
  // Modelers keep the line breaks of wrapped labels in the name.
  const name = trimmed(element, 'name')?.replace(/\s+/g, ' ');
  const id = idOf(element);
  const kind = kindOf(element);
  if (name !== undefined && id !== null) return `${kind} '${name}' (${id})`;
  if (id !== null) return `${kind} ${id}`;
  if (name !== undefined) return `${kind} '${name}'`;
  return kind;
}

/** Values of `extensionElements` of the given type, e.g. 'camunda:Properties'. */
export function extensions(element: ModdleElement, type: string): ModdleElement[] {
  const container = child(element, 'extensionElements');
  if (container === undefined) return [];
  return children(container, 'values').filter((value) => value.$instanceOf(type));
}
