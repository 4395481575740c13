/**
 * Stage 1 of deploy validation: cheap checks on the raw text before any object model is built,
 * so a hostile or broken upload costs one streaming pass and nothing more.
 */
import { SaxesParser } from 'saxes';

import { DeployValidationError, PayloadTooLargeError, type ErrorIssue } from '../errors.js';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Real diagrams nest about 10 levels (definitions > process > subProcess > task > extensions…). */
export const MAX_DEPTH = 64;
/** A 500-node diagram with DI has about 5,000 elements. */
export const MAX_ELEMENTS = 20_000;

export interface XmlLimits {
  maxBytes?: number;
  maxDepth?: number;
  maxElements?: number;
}

export const REJECTED = 'The diagram cannot be deployed';

/** Thrown inside saxes handlers to stop the pass at the first fatal problem. */
class StopScan extends Error {
  constructor(readonly issue: ErrorIssue) {
    super(issue.message);
  }
}

function stop(message: string): never {
  throw new StopScan({ elementId: null, message });
}

/** saxes prefixes its messages with "line:column: ". */
function readable(saxesMessage: string): string {
  const match = /^(\d+):(\d+): (.*)$/s.exec(saxesMessage);
  if (!match) return saxesMessage;
  return `line ${match[1]}, column ${match[2]}: ${match[3]}`;
}

export function checkSize(xml: string, maxBytes = DEFAULT_MAX_BYTES): void {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) {
    const message = `The diagram is ${bytes} bytes; the limit is ${maxBytes} bytes`;
    throw new PayloadTooLargeError(message, [{ elementId: null, message }]);
  }
}

/**
 * Well-formedness, nesting depth, element count and no DTD. Stops at the first problem: each of
 * them means the rest of the text is either not XML or not worth reading.
 * @throws DeployValidationError
 */
export function scanXml(xml: string, limits: XmlLimits = {}): void {
  const maxDepth = limits.maxDepth ?? MAX_DEPTH;
  const maxElements = limits.maxElements ?? MAX_ELEMENTS;
  const parser = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let elements = 0;

  parser.on('doctype', (doctype) => {
    const what = /<!ENTITY/i.test(doctype) ? 'a DOCTYPE with ENTITY declarations' : 'a DOCTYPE declaration';
    stop(`The diagram contains ${what}; Baton refuses DTDs because entities can read server files (XXE) ` + 'or expand into gigabytes. Export the diagram again without a DOCTYPE.');
  });
  parser.on('opentag', () => {
    depth += 1;
    elements += 1;
    if (depth > maxDepth) {
      stop(`The diagram nests elements more than ${maxDepth} levels deep (line ${parser.line}); simplify the diagram`);
    }
    if (elements > maxElements) {
      stop(`The diagram has more than ${maxElements} XML elements; split it into smaller processes`);
    }
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (err) => {
    stop(`The diagram is not well-formed XML (${readable(err.message)}); export it again from the modeler`);
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof StopScan) throw new DeployValidationError(REJECTED, [err.issue]);
    throw err;
  }
}
