import type { ModdleElement } from '../moddle-element.js';
import type { Findings, ValidationOptions } from '../validation-types.js';

/** What every rule reads; the element lists are computed once per validation. */
export interface RuleContext {
  /** The bpmn:Definitions root. */
  definitions: ModdleElement;
  /** Every element of the diagram, non-executable pools included. */
  everything: readonly ModdleElement[];
  /** Processes bpmn-engine may run (see runnableProcesses). */
  runnable: readonly ModdleElement[];
  /** Every element inside the runnable processes. */
  runnableElements: readonly ModdleElement[];
  options: ValidationOptions;
  findings: Findings;
}
