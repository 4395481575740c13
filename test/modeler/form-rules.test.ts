import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

import { batonModdle } from '../../modeler/src/modeler/baton-moddle.js';
import { checkDiagram } from '../../server/definitions/diagram-rules.js';
import type { ModdleElement } from '../../server/definitions/moddle-element.js';
import { Findings } from '../../server/definitions/validation-types.js';
import { DEMO_DEPARTMENTS } from '../../server/departments/seed-departments.js';

/**
 * The modeler lints with deploy's rules on its own moddle tree, where Baton's moddle is registered
 * and a form is a typed `baton:Form` (deploy reads a generic `baton:form`): the form rules must
 * find the forms there too, or every task with a form would be marked "no task form".
 */
describe("task form rules on the modeler's moddle tree", () => {
  async function lint(xml: string): Promise<Findings> {
    const { rootElement } = await new BpmnModdle({ camunda: camundaDescriptor, baton: batonModdle }).fromXML(xml);
    const findings = new Findings();
    const options = {
      knownHandlers: new Set(['log', 'email', 'webhook', 'notify', 'dispatch', 'use-parts', 'invoice', 'feedback-request']),
      knownDepartments: new Set(DEMO_DEPARTMENTS.map((department) => department.id)),
    };
    checkDiagram(rootElement as unknown as ModdleElement, options, findings);
    return findings;
  }

  it('finds the embedded form of every user task of the shipped processes', async () => {
    for (const file of ['helpdesk-escalation.bpmn', 'payment-incident.bpmn', 'field-service.bpmn']) {
      const findings = await lint(readFileSync(path.join('processes', file), 'utf8'));
      expect(findings.errors, file).to.deep.equal([]);
      expect(findings.warnings, file).to.deep.equal([]);
    }
  });

  it('warns about a form key that names no form, and refuses a form that is not JSON, as deploy does', async () => {
    const xml = readFileSync(path.join('processes', 'payment-incident.bpmn'), 'utf8')
      .replace('camunda:formKey="provider-chase"', 'camunda:formKey="provider-call"')
      .replace('<baton:form key="bank-investigation">{', '<baton:form key="bank-investigation">{{');
    const findings = await lint(xml);
    expect(findings.warnings.map((issue) => issue.elementId)).to.deep.equal(['Task_chase_payment_provider']);
    expect(findings.errors.map((issue) => issue.message)).to.have.length(1);
    expect(findings.errors[0]?.message).to.contain("task form 'bank-investigation' is not JSON");
  });
});
