/**
 * Stages 1 and 2 of deploy validation: the text limits, then the BPMN schema through bpmn-moddle
 * with the Camunda extensions (so diagrams from Camunda Modeler keep their attributes).
 */
import { BpmnModdle, type ParseResult, type ParseWarning } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { zeebeDescriptor } from '../engine/zeebe-descriptor.js';

import { DeployValidationError, type ErrorIssue } from '../errors.js';
import { assignMissingIds } from './missing-ids.js';
import { normalizeZeebe } from './zeebe-normalize.js';
import { describe, idOf, isModdleElement, kindOf, ownerOf, type ModdleElement } from './moddle-element.js';
import { Findings } from './validation-types.js';
import { REJECTED, checkSize, scanXml, type XmlLimits } from './xml-limits.js';

export interface ParsedBpmn {
  /** The bpmn:Definitions root. */
  definitions: ModdleElement;
  /** Harmless oddities of the file (declared encoding, references to imported documents). */
  warnings: ErrorIssue[];
}

/** What moddle reports for an element it could not read, in lax mode. */
const UNPARSABLE = /^unparsable content (\S+)?\s*detected\s+line: (\d+)\s+column: (\d+)\s+nested error: (.*)$/s;

function fromUnparsable(warning: ParseWarning, findings: Findings): boolean {
  const match = UNPARSABLE.exec(warning.message);
  if (!match) return false;
  const [, tag = 'content', line, column, nested = ''] = match;
  // Duplicate and malformed ids are the one case where the element can still be named.
  const idProblem = /^(duplicate|illegal) ID <(.+)>$/.exec(nested);
  if (idProblem?.[2] !== undefined) {
    const what = idProblem[1] === 'duplicate' ? 'is used by more than one element' : 'is not a valid XML id';
    findings.error(idProblem[2], `The id '${idProblem[2]}' (line ${line}) ${what}; give every element its own id`);
    return true;
  }
  const unknownType = /^unknown type <(.+)>$/.exec(nested);
  const reason = unknownType ? `${unknownType[1]} is not a BPMN or Camunda element` : nested;
  findings.error(null, `Line ${line}, column ${column}: ${tag} cannot be read (${reason}); remove it or fix its spelling`);
  return true;
}

/**
 * A QName pointing into another document (`triso:unspecified`, an imported DMN...) cannot be
 * resolved here by design; anything that execution needs from such a reference is checked again
 * by the rules (flows need both ends, message starts need a message).
 */
function isExternalReference(value: unknown): value is string {
  return typeof value === 'string' && value.includes(':');
}

/** Attributes only modelers read (element templates, Camunda's history clean-up). */
const MODELER_DECORATION = /^(camunda|zeebe):(modelerTemplate\w*|historyTimeToLive|versionTag)$/;

function translate(warning: ParseWarning, findings: Findings): void {
  if (fromUnparsable(warning, findings)) return;
  const element = isModdleElement(warning.element) ? warning.element : undefined;
  const owner = element === undefined ? undefined : ownerOf(element);
  const subject = owner === undefined ? 'The diagram' : describe(owner);
  const at = owner === undefined ? null : idOf(owner);

  const encoding = /^unsupported document encoding <(.+)>/.exec(warning.message);
  if (encoding) {
    findings.warn(null, `The diagram declares encoding ${encoding[1]}; Baton reads diagrams as UTF-8, so check that names with accents display correctly`);
    return;
  }
  const unknownAttribute = /^unknown attribute <(.+)>$/.exec(warning.message);
  if (unknownAttribute) {
    // Camunda and Zeebe diagrams carry attributes of versions and tools Baton does not model
    // (modeler templates, history settings): harmless, so they never block a deploy. Baton ignores
    // them; a warning names the ones that are not modeler decoration, in case one is a typo.
    const name = unknownAttribute[1] ?? '';
    if (!MODELER_DECORATION.test(name)) {
      findings.warn(at, `${subject} has an attribute ${name} that BPMN, Camunda 7 and Camunda 8 do not define; Baton ignores it (check its spelling)`);
    }
    return;
  }
  const unresolved = /^unresolved reference <(.+)>$/.exec(warning.message);
  if (unresolved) {
    const property = warning.property === undefined ? '' : ` in ${warning.property.replace(/^\w+:/, '')}`;
    if (isExternalReference(warning.value)) {
      findings.warn(at, `${subject} refers to '${unresolved[1]}'${property}, which is outside this diagram; Baton ignores it`);
    } else {
      findings.error(at, `${subject} refers to '${unresolved[1]}'${property}, which does not exist in the diagram`);
    }
    return;
  }
  findings.error(at, `${subject}: ${warning.message}`);
}

function refName(element: ModdleElement, property: string): string {
  const value = element.get(property);
  return isModdleElement(value) ? describe(value) : '?';
}

function warningsOf(err: unknown): ParseWarning[] {
  if (typeof err !== 'object' || err === null || !('warnings' in err) || !Array.isArray(err.warnings)) return [];
  return err.warnings.filter((warning: unknown): warning is ParseWarning => typeof warning === 'object' && warning !== null && 'message' in warning && typeof warning.message === 'string');
}

/**
 * Reads the diagram into the BPMN object model and collects everything the reader complained
 * about. Returns the whole reader result (the engine's source is serialized from it, so a deploy
 * reads the XML once), or null when the document is not BPMN at all.
 */
export async function readBpmnContext(xml: string, findings: Findings): Promise<ParseResult | null> {
  const moddle = new BpmnModdle({ camunda: camundaDescriptor, zeebe: zeebeDescriptor });
  try {
    const result = await moddle.fromXML(xml);
    for (const warning of result.warnings) translate(warning, findings);
    normalizeZeebe(result);
    for (const { element, id } of assignMissingIds(result)) {
      const where = element.$instanceOf('bpmn:SequenceFlow') ? ` from ${refName(element, 'sourceRef')} to ${refName(element, 'targetRef')}` : '';
      findings.warn(id, `${kindOf(element)}${where} has no id; Baton calls it '${id}' (give it an id in the modeler to choose the name)`);
    }
    return result;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const notBpmn = /failed to parse document as <bpmn:Definitions>/.test(reason);
    // For a document that is not BPMN at all, the reader's complaints about each element are noise.
    if (!notBpmn) for (const warning of warningsOf(err)) translate(warning, findings);
    findings.error(
      null,
      notBpmn ? 'The file is XML but not a BPMN 2.0 diagram (its root must be <bpmn:definitions> in the BPMN 2.0 model namespace)' : `The diagram cannot be read as BPMN: ${reason}`,
    );
    return null;
  }
}

/** The diagram's root `bpmn:Definitions`, or null when the document is not BPMN at all. */
export async function readBpmn(xml: string, findings: Findings): Promise<ModdleElement | null> {
  return (await readBpmnContext(xml, findings))?.rootElement ?? null;
}

/**
 * Stages 1 and 2 only: size and XML limits, then the BPMN schema. Used by deploy validation and
 * to check that reference diagrams import at all, whatever Baton later thinks of their content.
 * @throws PayloadTooLargeError, DeployValidationError
 */
export async function parseBpmn(xml: string, limits: XmlLimits = {}): Promise<ParsedBpmn> {
  checkSize(xml, limits.maxBytes);
  scanXml(xml, limits);
  const findings = new Findings();
  const definitions = await readBpmn(xml, findings);
  if (definitions === null || findings.errors.length > 0) throw new DeployValidationError(REJECTED, findings.errors);
  return { definitions, warnings: findings.warnings };
}
