/** Packages the browser app uses that ship no type declarations: only what Baton calls. */
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const CamundaPlatformPropertiesProviderModule: unknown;
  export function useService<T = unknown>(name: string): T;
}
declare module '@bpmn-io/properties-panel' {
  export const SelectEntry: unknown;
  export const TextFieldEntry: unknown;
  export function isSelectEntryEdited(node: unknown): boolean;
  export function isTextFieldEntryEdited(node: unknown): boolean;
}
declare module '@bpmn-io/properties-panel/preact' {
  export function h(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
declare module '@bpmn-io/properties-panel/preact/hooks' {
  export function useState<T>(initial: T): [T, (value: T) => void];
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: unknown;
  export default module;
}
declare module 'camunda-bpmn-moddle/resources/camunda.json' {
  const descriptor: Record<string, unknown>;
  export default descriptor;
}
declare module 'bpmn-js-bpmnlint' {
  const module: unknown;
  export default module;
}
declare module 'bpmnlint-config:*' {
  export const config: { rules: Record<string, unknown> };
  export const resolver: { resolveRule(pkg: string, name: string): unknown; resolveConfig(pkg: string, name: string): unknown };
}
declare module 'bpmn-js-differ' {
  export interface Changes {
    _added: Record<string, { $type: string; id: string }>;
    _removed: Record<string, { $type: string; id: string }>;
    _changed: Record<string, { model: { $type: string; id: string }; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
    _layoutChanged: Record<string, { $type: string; id: string }>;
  }
  export function diff(a: unknown, b: unknown): Changes;
}
declare module '*.bpmn' {
  const text: string;
  export default text;
}
declare module 'baton-locales:all' {
  /** locales/<lang>/<namespace>.json, bundled by modeler/build.ts. */
  const resources: Record<string, Record<string, Record<string, unknown>>>;
  export default resources;
}
