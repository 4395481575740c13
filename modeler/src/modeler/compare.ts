/** Compare two versions with bpmn-js-differ: added, changed and moved elements marked on the diagram. */
import { diff, type Changes } from 'bpmn-js-differ';

import type { Canvas, ElementRegistry } from './diagram-types.js';

const MARKERS = { added: 'baton-diff-added', changed: 'baton-diff-changed', layout: 'baton-diff-layout' } as const;

export interface Comparison {
  added: string[];
  changed: { id: string; attrs: string[] }[];
  removed: { id: string; type: string }[];
  moved: string[];
}

export function compareDefinitions(older: unknown, newer: unknown): Comparison {
  const changes: Changes = diff(older, newer);
  return {
    added: Object.keys(changes._added),
    changed: Object.entries(changes._changed).map(([id, change]) => ({ id, attrs: Object.keys(change.attrs) })),
    removed: Object.entries(changes._removed).map(([id, element]) => ({ id, type: element.$type.replace(/^bpmn:/, '') })),
    moved: Object.keys(changes._layoutChanged).filter((id) => !(id in changes._changed) && !(id in changes._added)),
  };
}

/** Marks the comparison on the canvas (the newer diagram is the one shown). */
export function markComparison(comparison: Comparison, canvas: Canvas, registry: ElementRegistry): void {
  clearComparison(canvas, registry);
  const mark = (id: string, marker: string) => {
    if (registry.get(id)) canvas.addMarker(id, marker);
  };
  comparison.added.forEach((id) => mark(id, MARKERS.added));
  comparison.changed.forEach(({ id }) => mark(id, MARKERS.changed));
  comparison.moved.forEach((id) => mark(id, MARKERS.layout));
}

export function clearComparison(canvas: Canvas, registry: ElementRegistry): void {
  for (const element of registry.getAll()) for (const marker of Object.values(MARKERS)) canvas.removeMarker(element, marker);
}
