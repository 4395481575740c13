/** The slice of bpmn-js / diagram-js services the modeler uses, typed loosely but in one place. */
export interface BusinessObject {
  $type: string;
  id: string;
  name?: string;
  $parent?: BusinessObject;
  /** A moddle property; its type depends on the name, so the caller says which it reads. */
  get<T = unknown>(name: string): T;
  set(name: string, value: unknown): void;
  [key: string]: unknown;
}

export interface Shape {
  id: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  parent?: Shape;
  host?: Shape;
  attachers?: Shape[];
  incoming?: Connection[];
  outgoing?: Connection[];
  businessObject: BusinessObject;
  waypoints?: unknown;
}

export interface Connection extends Shape {
  source: Shape;
  target: Shape;
}

export interface Modeling {
  updateProperties(element: Shape, properties: Record<string, unknown>): void;
  updateModdleProperties(element: Shape, moddleElement: BusinessObject, properties: Record<string, unknown>): void;
  createShape(shape: unknown, position: { x: number; y: number }, target: Shape, hints?: Record<string, unknown>): Shape;
  appendShape(source: Shape, shape: unknown, position: { x: number; y: number }, target?: Shape, hints?: Record<string, unknown>): Shape;
  connect(source: Shape, target: Shape, attrs?: Record<string, unknown>): Connection;
}

export interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): BusinessObject;
}

export interface ElementFactory {
  createShape(attrs: Record<string, unknown>): Shape;
}

export interface CommandStack {
  execute(command: string, context: Record<string, unknown>): void;
  registerHandler(command: string, handler: unknown): void;
  canUndo(): boolean;
  undo(): void;
}

export interface EventBus {
  on<E = unknown>(event: string | string[], callback: (event: E) => unknown): void;
  on<E = unknown>(event: string | string[], priority: number, callback: (event: E) => unknown): void;
  fire(event: string, data?: Record<string, unknown>): unknown;
}

export interface Canvas {
  zoom(level?: 'fit-viewport' | number, center?: 'auto'): number;
  scroll(delta: { dx: number; dy: number }): void;
  addMarker(element: string | Shape, marker: string): void;
  removeMarker(element: string | Shape, marker: string): void;
  getRootElement(): Shape;
}

export interface Overlays {
  add(element: string | Shape, type: string, overlay: { position: Record<string, number>; html: HTMLElement | string }): string;
  remove(filter: { type?: string; element?: string | Shape }): void;
}

export interface ElementRegistry {
  get(id: string): Shape | undefined;
  getAll(): Shape[];
}

/** True when the element's business object is of the type or a subtype (moddle's `$instanceOf`). */
export function isType(element: Shape | BusinessObject | undefined, type: string): boolean {
  const bo: BusinessObject | undefined = element && 'businessObject' in element ? (element as Shape).businessObject : element;
  const instanceOf = bo?.['$instanceOf'];
  return typeof instanceOf === 'function' ? Boolean(instanceOf.call(bo, type)) : bo?.$type === type;
}
