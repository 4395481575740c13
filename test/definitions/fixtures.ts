import { DeployValidationError, type ErrorIssue } from '../../server/errors.js';
import { validateDefinition, type ValidationOptions } from '../../server/definitions/definition.validator.js';

export const OPTIONS: ValidationOptions = {
  knownHandlers: new Set(['log', 'email', 'webhook', 'notify', 'dispatch', 'use-parts', 'invoice', 'feedback-request']),
  knownDepartments: new Set(['support', 'billing']),
  // Fixed, so the fixture dates in 2026 stay in the future.
  now: new Date('2026-01-01T00:00:00Z'),
};

const NAMESPACES = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' + 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ' + 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

export const EXECUTABLE = 'id="helpdesk-escalation" name="Helpdesk escalation" isExecutable="true"';

/** A diagram with one process around `body`; `extra` goes after it (messages, other pools). */
export function diagram(body: string, { process = EXECUTABLE, extra = '' } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NAMESPACES} id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process ${process}>
${body}
  </bpmn:process>
${extra}
</bpmn:definitions>`;
}

export function timer(kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): string {
  return `<bpmn:timerEventDefinition><bpmn:${kind} xsi:type="bpmn:tFormalExpression">${value}</bpmn:${kind}></bpmn:timerEventDefinition>`;
}

/** The issues of the DeployValidationError the diagram must be rejected with. */
export async function issuesOf(xml: string, options: ValidationOptions = OPTIONS): Promise<ErrorIssue[]> {
  try {
    await validateDefinition(xml, options);
  } catch (err) {
    if (err instanceof DeployValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected the diagram to be rejected');
}

export function idsOf(issues: readonly ErrorIssue[]): (string | null)[] {
  return issues.map((issue) => issue.elementId);
}
