/**
 * Deploy validation: a diagram is deployable only if Baton can run all of it safely. Every problem
 * found is reported at once, so a process owner fixes a diagram in one round, not one error per
 * upload. Stages that make the rest meaningless (too large, not XML, not BPMN, no executable
 * process) stop early.
 */
import { DeployValidationError } from '../errors.js';
import { readBpmn } from './bpmn-parse.js';
import { descendants, idOf } from './moddle-element.js';
import { checkExpressions } from './rules/expressions.js';
import { checkFlows } from './rules/flows.js';
import { checkForms } from './rules/forms.js';
import { checkHandlers } from './rules/handlers.js';
import { processName, startMessages, startTimers, ticketPrefix } from './rules/identity.js';
import { checkNoCode } from './rules/no-code.js';
import { checkExecutable, runnableProcesses } from './rules/processes.js';
import { checkRouting } from './rules/routing.js';
import type { RuleContext } from './rules/rule-context.js';
import { checkTimers } from './rules/timers.js';
import { checkSupportedElements } from './rules/unsupported.js';
import { Findings, type ValidatedDefinition, type ValidationOptions } from './validation-types.js';
import { REJECTED, checkSize, scanXml } from './xml-limits.js';

export type { ValidatedDefinition, ValidationOptions } from './validation-types.js';
export { parseBpmn, type ParsedBpmn } from './bpmn-parse.js';

/**
 * @throws PayloadTooLargeError when the XML is over `maxBytes`
 * @throws DeployValidationError listing every problem found
 */
export async function validateDefinition(xml: string, options: ValidationOptions): Promise<ValidatedDefinition> {
  checkSize(xml, options.maxBytes);
  scanXml(xml);

  const findings = new Findings();
  const definitions = await readBpmn(xml, findings);
  if (definitions === null) throw new DeployValidationError(REJECTED, findings.errors);

  const executable = checkExecutable(definitions, findings);
  const main = executable[0];
  if (main === undefined) throw new DeployValidationError(REJECTED, findings.errors);

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
  checkRouting(context);
  checkHandlers(context);
  checkSupportedElements(context);
  checkFlows(context);
  checkForms(context);

  const key = idOf(main) ?? '';
  if (key === '') findings.error(null, 'The executable process has no id; give it one, it becomes the process key');
  const prefix = ticketPrefix(main, key, findings);
  const messages = startMessages(main, findings);
  const timers = startTimers(main, findings);

  if (findings.errors.length > 0) throw new DeployValidationError(REJECTED, findings.errors);
  return { key, name: processName(main, key), ticketPrefix: prefix, startMessages: messages, startTimers: timers, warnings: findings.warnings };
}
