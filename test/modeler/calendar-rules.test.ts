import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

import { batonModdle } from '../../modeler/src/modeler/baton-moddle.js';
import { checkDiagram } from '../../server/definitions/diagram-rules.js';
import type { ModdleElement } from '../../server/definitions/moddle-element.js';
import { Findings } from '../../server/definitions/validation-types.js';
import { DEMO_DEPARTMENTS } from '../../server/departments/seed-departments.js';

/**
 * baton:calendar on the modeler's moddle tree, where it is a typed property of the timer event
 * definition (deploy reads an unknown attribute): lint finds an unknown calendar as deploy does,
 * and the attribute survives a write.
 */
describe("timer calendars on the modeler's moddle tree", () => {
  const moddle = () => new BpmnModdle({ camunda: camundaDescriptor, baton: batonModdle });
  const helpdesk = readFileSync('processes/helpdesk-escalation.bpmn', 'utf8');

  async function lint(xml: string, calendars: string[]): Promise<Findings> {
    const { rootElement } = await moddle().fromXML(xml);
    const findings = new Findings();
    const options = { knownHandlers: new Set(['log', 'email', 'webhook']), knownDepartments: new Set(DEMO_DEPARTMENTS.map((d) => d.id)), knownCalendars: new Set(calendars) };
    checkDiagram(rootElement as unknown as ModdleElement, options, findings);
    return findings;
  }

  it('accepts the shipped help desk (department calendars) and names the timer of an unknown calendar', async () => {
    expect((await lint(helpdesk, [])).errors).to.deep.equal([]);
    const findings = await lint(helpdesk.replace('baton:calendar="department"', 'baton:calendar="support"'), ['office']);
    expect(findings.errors.map((issue) => issue.elementId)).to.deep.equal(['Timer_L1_escalate']);
    expect(findings.errors[0]!.message).to.match(/'support', which does not exist/);
  });

  it('keeps baton:calendar through a read and a write', async () => {
    const { rootElement } = await moddle().fromXML(helpdesk);
    const { xml } = await moddle().toXML(rootElement);
    expect(xml.match(/baton:calendar="department"/g)).to.have.length(6);
  });
});
