import { expect } from 'chai';

import { validateDefinition } from '../../server/definitions/definition.validator.js';
import { OPTIONS, issuesOf } from '../definitions/fixtures.js';
import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ' +
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function diagram(id: string, body: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Definitions_${id}" targetNamespace="http://baton.test">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
    ${body}
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
  ${extra}
</bpmn:definitions>`;
}

/** Camunda 7 / 8 settings that change behaviour: supported, or named in a warning; never silently dropped. */
describe('Camunda dialect extensions', () => {
  const server = useTestServer();

  it('warns about listeners, retry schedules, correlation keys and io mappings Baton does not apply, naming the element', async () => {
    const xml = diagram(
      'warned',
      `<bpmn:userTask id="work" camunda:candidateGroups="support">
        <bpmn:extensionElements>
          <zeebe:executionListeners><zeebe:executionListener eventType="start" type="audit-job" /></zeebe:executionListeners>
          <camunda:failedJobRetryTimeCycle>R3/PT5M</camunda:failedJobRetryTimeCycle>
          <camunda:inputOutput><camunda:inputParameter name="x">1</camunda:inputParameter></camunda:inputOutput>
        </bpmn:extensionElements>
      </bpmn:userTask>`,
      `<bpmn:message id="m" name="paid"><bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements></bpmn:message>`,
    );
    const result = await validateDefinition(xml, OPTIONS);
    const messages = result.warnings.map((warning) => `${warning.elementId}: ${warning.message}`);
    expect(messages.some((m) => m.startsWith('work:') && m.includes('execution listeners (audit-job)'))).to.equal(true);
    expect(messages.some((m) => m.startsWith('work:') && m.includes('retry schedule'))).to.equal(true);
    expect(messages.some((m) => m.startsWith('work:') && m.includes('input/output parameters'))).to.equal(true);
    expect(messages.some((m) => m.startsWith('m:') && m.includes('correlated by the key =orderId'))).to.equal(true);
  });

  it('refuses a Zeebe multi-instance over FEEL it cannot read, and names a DMN decision', async () => {
    const issues = await issuesOf(
      diagram(
        'refused',
        `<bpmn:userTask id="work" camunda:candidateGroups="support"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=for x in items return x.id" inputElement="id" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
         <bpmn:businessRuleTask id="rule"><bpmn:extensionElements><zeebe:calledDecision decisionId="risk" resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>`,
      ),
      OPTIONS,
    );
    const byElement = Object.fromEntries(issues.map((issue) => [issue.elementId, issue.message]));
    expect(byElement['work']).to.contain('loops over the FEEL expression');
    expect(byElement['rule']).to.contain("DMN decision 'risk'");
  });

  it('runs a Zeebe multi-instance over a collection, one task per element', async () => {
    const xml = diagram(
      'perApprover',
      `<bpmn:userTask id="work" name="Approve as \${approver}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="billing" /></bpmn:extensionElements>
        <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=approvers" inputElement="approver" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>`,
    );
    expect((await server.http.request('POST', '/api/definitions', { xml })).status).to.equal(201);
    const started = await server.http.request('POST', '/api/instances', { processKey: 'perApprover', variables: { approvers: ['ann', 'bob'] } });
    expect(started.status, started.text).to.equal(201);
    const tasks = (started.body as { openTasks: { id: string; name: string }[] }).openTasks;
    expect(tasks.map((task) => task.name)).to.deep.equal(['Approve as ann', 'Approve as bob']);
    for (const task of tasks) expect((await server.http.request('POST', `/api/tasks/${task.id}/complete`, { variables: {} })).status).to.equal(200);
    const instance = (await server.http.request('GET', `/api/instances/${(started.body as { id: string }).id}`)).body as { status: string };
    expect(instance.status).to.equal('completed');
  });

  it('assigns each iteration of a Camunda 7 multi-instance to its element (camunda:assignee="${approver}", ${loopCounter})', async () => {
    const xml = diagram(
      'c7PerApprover',
      `<bpmn:userTask id="work" name="Review #\${loopCounter}" camunda:candidateGroups="billing" camunda:assignee="\${approver}">
        <bpmn:multiInstanceLoopCharacteristics camunda:collection="\${approvers}" camunda:elementVariable="approver" /></bpmn:userTask>`,
    );
    expect((await server.http.request('POST', '/api/definitions', { xml })).status).to.equal(201);
    const started = await server.http.request('POST', '/api/instances', { processKey: 'c7PerApprover', variables: { approvers: ['ann', 'bob'] } });
    expect(started.status, started.text).to.equal(201);
    const tasks = (await server.http.request('GET', `/api/tasks?instanceId=${(started.body as { id: string }).id}`)).body as { name: string; assignee: string }[];
    expect(tasks.map((task) => [task.name, task.assignee])).to.deep.equal([
      ['Review #0', 'ann'],
      ['Review #1', 'bob'],
    ]);
  });

  it('applies Camunda 7 output parameters of an external task: only the mapped variables reach the process', async () => {
    const xml = diagram(
      'mapped',
      `<bpmn:serviceTask id="work" camunda:type="external" camunda:topic="pricing"><bpmn:extensionElements><camunda:inputOutput>
         <camunda:outputParameter name="price">\${net * 2}</camunda:outputParameter>
       </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>`,
    );
    expect((await server.http.request('POST', '/api/definitions', { xml })).status).to.equal(201);
    const started = (await server.http.request('POST', '/api/instances', { processKey: 'mapped', variables: {} })).body as { id: string };
    await addUser(server.baton, 'pricer', 'process-owner');
    const worker = await server.http.as('pricer');
    const [job] = (await worker.request('POST', '/api/external-tasks/fetch-and-lock', { workerId: 'p', topics: [{ topicName: 'pricing', lockDuration: 1000 }] })).body as { id: string }[];
    expect((await worker.request('POST', `/api/external-tasks/${job!.id}/complete`, { workerId: 'p', variables: { net: 21, internal: 'x' } })).status).to.equal(204);
    const instance = (await server.http.request('GET', `/api/instances/${started.id}`)).body as { status: string; variables: Record<string, unknown> };
    expect(instance.status).to.equal('completed');
    expect(instance.variables).to.include({ price: 42 });
    expect(instance.variables).to.not.have.property('internal');
  });
});
