import { expect } from 'chai';

import { useTestServer } from '../support/test-server.js';

const FORM = JSON.stringify({ type: 'default', components: [{ type: 'textfield', key: 'refundReason', label: 'Reason' }] });

function withForm(formBody: string, formKey = 'refund-check'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:baton="https://server.baton.example/schema/bpmn/1.0" id="D" targetNamespace="http://server.baton.test">
  <bpmn:process id="refund" name="Refund" isExecutable="true">
    <bpmn:extensionElements><baton:form key="${formKey}">${formBody.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</baton:form></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Check" camunda:candidateGroups="payments" camunda:formKey="refund-check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
}

describe('modeling API: task forms, departments, connectors', () => {
  const server = useTestServer();

  const deploy = (xml: string) => server.http.request('POST', '/api/definitions', xml, { 'content-type': 'application/xml' });

  it('stores a task form with the process version and serves it by form key', async () => {
    // given a diagram with an embedded form, deployed twice with different forms
    expect((await deploy(withForm(FORM))).status).to.equal(201);
    const changed = JSON.stringify({ type: 'default', components: [{ type: 'number', key: 'amount' }] });
    expect((await deploy(withForm(changed))).status).to.equal(201);
    // when each version's form is asked for
    const v1 = await server.http.request('GET', '/api/definitions/refund/versions/1/forms/refund-check');
    const v2 = await server.http.request('GET', '/api/definitions/refund/versions/2/forms/refund-check');
    // then each version keeps its own form
    expect(v1.status).to.equal(200);
    expect(v1.body).to.deep.equal(JSON.parse(FORM));
    expect((v2.body as { components: { key: string }[] }).components[0]?.key).to.equal('amount');
    expect((await server.http.request('GET', '/api/definitions/refund/versions/1/forms/nope')).status).to.equal(404);
    // and the engine runs the diagram with its form: the task opens with the form key
    const started = await server.http.request('POST', '/api/instances', { processKey: 'refund', variables: {} });
    expect(started.status).to.equal(201);
    const taskId = (started.body as { openTasks: { id: string }[] }).openTasks[0]?.id;
    const task = await server.http.request('GET', `/api/tasks/${taskId}`);
    expect((task.body as { formKey: string | null }).formKey).to.equal('refund-check');
  });

  it('refuses a form that is not a form-js schema, naming the process', async () => {
    const response = await deploy(withForm('{ not json'));
    expect(response.status).to.equal(422);
    const issues = (response.body as { error: { issues: { elementId: string; message: string }[] } }).error.issues;
    expect(issues).to.have.length(1);
    expect(issues[0]?.elementId).to.equal('refund');
    expect(issues[0]?.message).to.match(/task form 'refund-check' is not JSON/);
  });

  it('lists the departments and the connectors for the modeler', async () => {
    const departments = await server.http.request('GET', '/api/departments');
    expect(departments.status).to.equal(200);
    expect(departments.body).to.deep.include({ id: 'l2', name: 'Second line (L2)', parentId: 'l3' });
    const connectors = await server.http.request('GET', '/api/connectors');
    expect(connectors.body).to.deep.equal(['dispatch', 'email', 'invoice', 'log', 'notify', 'use-parts', 'webhook'].map((name) => ({ name })));
  });
});
