/**
 * Deploy validation: a diagram is deployable only if Baton can run all of it safely. Every problem
 * found is reported at once, so a process owner fixes a diagram in one round, not one error per
 * upload. Stages that make the rest meaningless (too large, not XML, not BPMN, no executable
 * process) stop early.
 */
import type { ParseResult } from 'bpmn-moddle';

import { DeployValidationError } from '../errors.js';
import { readBpmnContext } from './bpmn-parse.js';
import { checkDiagram } from './diagram-rules.js';
import { idOf } from './moddle-element.js';
import { processName, startMessages, startTimers, ticketPrefix } from './rules/identity.js';
import { Findings, type ValidatedDefinition, type ValidationOptions } from './validation-types.js';
import { REJECTED, checkSize, scanXml } from './xml-limits.js';

export type { ValidatedDefinition, ValidationOptions } from './validation-types.js';
export { parseBpmn, type ParsedBpmn } from './bpmn-parse.js';

/** A valid diagram, with the reader's result the engine's source is serialized from. */
export interface ValidatedDiagram extends ValidatedDefinition {
  moddleContext: ParseResult;
}

/**
 * @throws PayloadTooLargeError when the XML is over `maxBytes`
 * @throws DeployValidationError listing every problem found
 */
export async function validateDefinition(xml: string, options: ValidationOptions): Promise<ValidatedDiagram> {
  checkSize(xml, options.maxBytes);
  scanXml(xml);

  const findings = new Findings();
  const moddleContext = await readBpmnContext(xml, findings);
  if (moddleContext === null) throw new DeployValidationError(REJECTED, findings.errors);
  const definitions = moddleContext.rootElement;

  const main = checkDiagram(definitions, options, findings);
  if (main === undefined) throw new DeployValidationError(REJECTED, findings.errors);

  const key = idOf(main) ?? '';
  if (key === '') findings.error(null, 'The executable process has no id; give it one, it becomes the process key');
  const prefix = ticketPrefix(main, key, findings);
  const messages = startMessages(main, findings);
  const timers = startTimers(main, findings);

  if (findings.errors.length > 0) throw new DeployValidationError(REJECTED, findings.errors);
  return { key, name: processName(main, key), ticketPrefix: prefix, startMessages: messages, startTimers: timers, warnings: findings.warnings, moddleContext };
}
