/**
 * The read-only diagram: bpmn-js NavigatedViewer (pan and zoom, no editing) showing one replay
 * step with markers (CSS classes on the shapes) and overlays (HTML pinned to shapes). Each step
 * clears what the previous one drew.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import type { Canvas, ElementRegistry, Overlays } from '../modeler/diagram-types.js';
import { t } from '../shared/i18n.js';
import type { DiagramMarks } from './step-view.js';

const OVERLAY = 'baton-replay';
type Marker = 'replay-active' | 'replay-listening' | 'replay-completed' | 'replay-timer' | 'replay-incident' | 'replay-current';

export class ReplayDiagram {
  private readonly viewer: NavigatedViewer;
  /** Element id → markers this view put on it, to take them off again. */
  private readonly marked = new Map<string, string[]>();

  constructor(container: HTMLElement) {
    this.viewer = new NavigatedViewer({ container });
    // For tests and the browser console, as the modeler exposes `batonModeler`.
    (window as unknown as { batonReplay: NavigatedViewer }).batonReplay = this.viewer;
  }

  async open(xml: string): Promise<void> {
    await this.viewer.importXML(xml);
    this.service<Canvas>('canvas').zoom('fit-viewport', 'auto');
  }

  /** The element's name on the diagram, else its id (timeline and side tables use it). */
  nameOf(elementId: string | null): string {
    if (!elementId) return '';
    const element = this.service<ElementRegistry>('elementRegistry').get(elementId);
    const name = element?.businessObject.name;
    return typeof name === 'string' && name.trim() ? name.trim() : elementId;
  }

  show(marks: DiagramMarks): void {
    this.clear();
    const overlays = this.service<Overlays>('overlays');
    for (const [elementId, count] of marks.tokens) {
      if (!this.mark(elementId, 'replay-active')) continue;
      overlays.add(elementId, OVERLAY, {
        position: { top: -10, left: -10 },
        html: chip('replay-token', String(count), { tokenCount: String(count), element: elementId }, t('replay:tokens', { count })),
      });
    }
    for (const elementId of marks.listening) this.mark(elementId, 'replay-listening');
    for (const elementId of marks.completed) this.mark(elementId, 'replay-completed');
    for (const elementId of marks.timers) this.mark(elementId, 'replay-timer');
    for (const elementId of marks.incidents) this.mark(elementId, 'replay-incident');
    if (marks.current) this.mark(marks.current, 'replay-current');
    for (const task of marks.tasks) {
      if (!this.exists(task.elementId)) continue;
      const html = chip(`replay-owner ${task.kind}`, task.label, { ownerOf: task.elementId, kind: task.kind }, `${t(`replay:taskKind.${task.kind}`)}: ${task.label}`);
      // Above the task: boundary events sit on its lower edge.
      overlays.add(task.elementId, OVERLAY, { position: { top: -21, left: 14 }, html });
    }
  }

  private mark(elementId: string, marker: Marker): boolean {
    if (!this.exists(elementId)) return false;
    this.service<Canvas>('canvas').addMarker(elementId, marker);
    this.marked.set(elementId, [...(this.marked.get(elementId) ?? []), marker]);
    return true;
  }

  private clear(): void {
    const canvas = this.service<Canvas>('canvas');
    for (const [elementId, markers] of this.marked) for (const marker of markers) canvas.removeMarker(elementId, marker);
    this.marked.clear();
    this.service<Overlays>('overlays').remove({ type: OVERLAY });
  }

  /** A trail may name elements the diagram does not draw (a process without DI for them). */
  private exists(elementId: string): boolean {
    return this.service<ElementRegistry>('elementRegistry').get(elementId) !== undefined;
  }

  private service<T>(name: string): T {
    return this.viewer.get(name) as T;
  }
}

function chip(className: string, text: string, data: Record<string, string>, title: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.textContent = text;
  element.title = title;
  for (const [name, value] of Object.entries(data)) element.dataset[name] = value;
  return element;
}
