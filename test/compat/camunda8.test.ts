import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const INVOICE = readFileSync(new URL('../fixtures/camunda8/invoice-approval.bpmn', import.meta.url), 'utf8');

interface Task {
  id: string;
  department: string | null;
  formKey: string | null;
  form: { id: string; type: string; required: boolean }[] | null;
}

/** A Camunda 8 (Zeebe) diagram as Camunda Modeler writes it, deployed unchanged and run to its end. */
describe('Camunda 8 diagrams', () => {
  const server = useTestServer({ deploy: [INVOICE] });

  async function run(approved: boolean, total: number) {
    await addUser(server.baton, 'erp', 'process-owner');
    const worker = await server.http.as('erp');
    const started = await server.http.request('POST', '/api/instances', { processKey: 'invoiceApproval', variables: { invoiceId: 'INV-9' } });
    expect(started.status, started.text).to.equal(201);
    const id = (started.body as { id: string }).id;

    // the job type without a built-in handler goes to a worker, with the input mapping and headers
    const fetched = await worker.request('POST', '/api/external-tasks/fetch-and-lock', { workerId: 'erp-1', topics: [{ topicName: 'invoice-service', lockDuration: 10_000 }] });
    const [job] = fetched.body as { id: string; variables: Record<string, unknown>; headers: Record<string, string> }[];
    expect(job?.variables).to.include({ id: 'INV-9' });
    expect(job?.headers).to.deep.equal({ system: 'erp' });
    const done = await worker.request('POST', `/api/external-tasks/${job!.id}/complete`, { workerId: 'erp-1', variables: { total, supplier: 'ACME' } });
    expect(done.status, done.text).to.equal(204);

    // the output mapping alone reached the process: gross, not total or supplier
    const afterJob = (await server.http.request('GET', `/api/instances/${id}`)).body as { variables: Record<string, unknown> };
    expect(afterJob.variables).to.include({ gross: total * 1.2 });
    expect(afterJob.variables).to.not.have.property('supplier');

    // the user task is routed by zeebe:assignmentDefinition and carries the zeebe:userTaskForm
    const [task] = (await server.http.request('GET', `/api/tasks?instanceId=${id}&status=open`)).body as Task[];
    expect(task).to.deep.include({ department: 'billing', formKey: 'camunda-forms:bpmn:UserTaskForm_approve' });
    expect(task?.form?.map((field) => [field.id, field.type, field.required])).to.deep.equal([
      ['approved', 'boolean', true],
      ['comment', 'string', false],
    ]);
    const form = await server.http.request('GET', `/api/definitions/invoiceApproval/versions/1/forms/${encodeURIComponent('camunda-forms:bpmn:UserTaskForm_approve')}`);
    expect(form.status).to.equal(200);
    expect((await server.http.request('POST', `/api/tasks/${task!.id}/complete`, { variables: {} })).status).to.equal(400);
    const completed = await server.http.request('POST', `/api/tasks/${task!.id}/complete`, { variables: { approved } });
    expect(completed.status, completed.text).to.equal(200);
    return id;
  }

  it('runs the invoice through a worker, the Zeebe form and FEEL conditions to the paid end, and replays it', async () => {
    const id = await run(true, 1000);
    const instance = (await server.http.request('GET', `/api/instances/${id}`)).body as { status: string };
    expect(instance.status).to.equal('completed');
    const audit = (await server.http.request('GET', `/api/instances/${id}/audit`)).body as { type: string; elementId: string; data: Record<string, unknown> }[];
    // the built-in log connector ran for the job type 'log'
    expect(audit.find((event) => event.type === 'service.completed')).to.deep.include({ elementId: 'Task_Log' });
    expect(audit.filter((event) => event.type === 'activity.left').map((event) => event.elementId)).to.include('End_paid');
    const replay = (await server.http.request('GET', `/api/instances/${id}/replay`)).body as { state: { completed: Record<string, number> } };
    expect(replay.state.completed).to.have.property('End_paid');
    expect(((await server.http.request('GET', `/api/instances/${id}/audit/verify`)).body as { valid: boolean }).valid).to.equal(true);
  });

  it('takes the rejection when the FEEL condition is false (reverse path)', async () => {
    const id = await run(true, 20_000);
    const audit = (await server.http.request('GET', `/api/instances/${id}/audit`)).body as { type: string; elementId: string }[];
    expect(audit.filter((event) => event.type === 'activity.left').map((event) => event.elementId)).to.include('End_rejected');
  });

  it('deploys a Zeebe call activity to a process of the same diagram', async () => {
    const xml = INVOICE.replace(
      '<bpmn:process id="invoiceApproval"',
      `<bpmn:process id="child" isExecutable="false"><bpmn:startEvent id="cs" /><bpmn:sequenceFlow id="cf" sourceRef="cs" targetRef="ce" /><bpmn:endEvent id="ce" /></bpmn:process>
  <bpmn:process id="invoiceApproval"`,
    ).replace(
      '<bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Log" targetRef="End_paid" />',
      '<bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Log" targetRef="Call" /><bpmn:callActivity id="Call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity><bpmn:sequenceFlow id="Flow_5" sourceRef="Call" targetRef="End_paid" />',
    );
    const deployed = await server.http.request('POST', '/api/definitions', { xml });
    expect(deployed.status, deployed.text).to.equal(201);
  });
});
