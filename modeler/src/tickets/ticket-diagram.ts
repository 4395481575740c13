/**
 * The ticket's diagram: bpmn-js NavigatedViewer (pan and zoom, read-only) with the elements the
 * ticket went through marked done and the ones it waits at now marked "here".
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import type { Canvas, ElementRegistry } from '../modeler/diagram-types.js';

const HERE = 'ticket-here';
const DONE = 'ticket-done';

export class TicketDiagram {
  private readonly viewer: NavigatedViewer;
  private marked: [string, string][] = [];
  private ready = false;

  constructor(private readonly container: HTMLElement) {
    this.viewer = new NavigatedViewer({ container });
  }

  async open(xml: string): Promise<void> {
    await this.viewer.importXML(xml);
    this.service<Canvas>('canvas').zoom('fit-viewport', 'auto');
    this.ready = true;
  }

  /** Replaces the marks: `here` wins over `done` (a task passed through before and open again). */
  mark(here: readonly string[], done: readonly string[]): void {
    if (!this.ready) return;
    const canvas = this.service<Canvas>('canvas');
    const registry = this.service<ElementRegistry>('elementRegistry');
    for (const [id, marker] of this.marked) canvas.removeMarker(id, marker);
    this.marked = [];
    const add = (id: string, marker: string) => {
      if (!registry.get(id)) return;
      canvas.addMarker(id, marker);
      this.marked.push([id, marker]);
    };
    for (const id of done) if (!here.includes(id)) add(id, DONE);
    for (const id of here) add(id, HERE);
    // Where the ticket is, in words for tests and screen readers.
    this.container.dataset['here'] = here.join(' ');
  }

  private service<T>(name: string): T {
    return this.viewer.get(name) as T;
  }
}
