/** Deploy's rules on a parsed diagram; pure, so the browser modeler lints with the same code. */
import { descendants, type ModdleElement } from './moddle-element.js';
import { checkDialectExtensions } from './rules/dialect-extensions.js';
import { checkCalendars } from './rules/calendars.js';
import { checkExpressions } from './rules/expressions.js';
import { checkFlows } from './rules/flows.js';
import { checkForms } from './rules/forms.js';
import { checkHandlers } from './rules/handlers.js';
import { checkNoCode } from './rules/no-code.js';
import { checkExecutable, runnableProcesses } from './rules/processes.js';
import { checkRouting } from './rules/routing.js';
import type { RuleContext } from './rules/rule-context.js';
import { checkTimers } from './rules/timers.js';
import { checkSupportedElements } from './rules/unsupported.js';
import { checkWaits } from './rules/waits.js';
import type { Findings, ValidationOptions } from './validation-types.js';

/**
 * The rules on a parsed diagram (no XML stage): what deploy checks, and what the modeler's lint
 * runs in the browser on its own moddle tree. Returns the main executable process, or undefined
 * when there is none (then `findings` says why and the other rules did not run).
 */
export function checkDiagram(definitions: ModdleElement, options: ValidationOptions, findings: Findings): ModdleElement | undefined {
  const executable = checkExecutable(definitions, findings);
  const main = executable[0];
  if (main === undefined) return undefined;

  const runnable = runnableProcesses(definitions, executable);
  const context: RuleContext = {
    definitions,
    everything: descendants(definitions),
    runnable,
    runnableElements: runnable.flatMap(descendants),
    options,
    findings,
  };
  checkNoCode(context);
  checkExpressions(context);
  checkTimers(context);
  checkCalendars(context);
  checkRouting(context);
  checkHandlers(context);
  checkSupportedElements(context);
  checkFlows(context);
  checkForms(context);
  checkWaits(context);
  checkDialectExtensions(context);
  return main;
}
