/**
 * bpmn-moddle 10 ships typings only for its generated meta-model (`bpmn-moddle/types`), none for
 * the package entry point, and there is no @types package for this version. This declares the
 * small part of the runtime API Baton calls. Elements stay opaque on purpose: their properties
 * depend on `$type` and on the extension packages loaded, so callers read them through `get` and
 * narrow the `unknown` it returns.
 */
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    readonly $type: string;
    /** The containing element; unset on the root. References never set it. */
    readonly $parent?: ModdleElement;
    get(name: string): unknown;
    /** True for the type and every type it inherits from (e.g. 'bpmn:Gateway'). */
    $instanceOf(type: string): boolean;
  }

  /** Something the reader could not map onto the meta-model; `lax` parsing keeps going. */
  export interface ParseWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  export interface ParseResult {
    rootElement: ModdleElement;
    elementsById: Record<string, ModdleElement>;
    references: unknown[];
    warnings: ParseWarning[];
  }

  export interface ReaderOptions {
    /** Default true in bpmn-moddle: unknown content becomes a warning instead of a rejection. */
    lax?: boolean;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, options?: ReaderOptions): Promise<ParseResult>;
    fromXML(xml: string, typeName: string, options?: ReaderOptions): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}
