import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { useTestServer } from '../support/test-server.js';

interface Task {
  id: string;
  name: string;
  elementId: string;
  department: string | null;
  form: { id: string; type: string; required: boolean; defaultValue?: unknown }[] | null;
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda7/${name}`, import.meta.url), 'utf8');

/** A Camunda 7 diagram as Camunda Modeler writes it, deployed unchanged and run to its end. */
describe('Camunda 7 diagrams', () => {
  const server = useTestServer();

  async function openTask(instanceId: string): Promise<Task> {
    const tasks = (await server.http.request('GET', `/api/tasks?instanceId=${instanceId}&status=open`)).body as Task[];
    expect(tasks).to.have.length(1);
    return tasks[0]!;
  }

  it('deploys the loan request with warnings only, runs it through formProperty and formData forms, and replays it', async () => {
    // given the diagram: an unrouted task named with #{…}, camunda:formProperty fields, a #{…}
    // condition, a potentialOwner group, history attributes and flows without ids
    const deployed = await server.http.request('POST', '/api/definitions', { xml: fixture('loan-request.bpmn') });
    expect(deployed.status, deployed.text).to.equal(201);
    const warnings = (deployed.body as { warnings: { elementId: string; message: string }[] }).warnings;
    expect(warnings.find((w) => w.elementId === 'Task_Check')?.message).to.contain('unrouted queue');

    // when a request starts
    const started = await server.http.request('POST', '/api/instances', { processKey: 'loanRequest', variables: { applicant: 'Ada' } });
    expect(started.status, started.text).to.equal(201);
    const instanceId = (started.body as { id: string }).id;

    // then the first task is unrouted, named with the variable, and carries the formProperty form
    const check = await openTask(instanceId);
    expect(check.name).to.equal('Check request of Ada');
    expect(check.department).to.equal(null);
    expect((await server.http.request('GET', '/api/tasks/unrouted')).text).to.contain(check.id);
    expect(check.form?.map((field) => [field.id, field.type, field.required, field.defaultValue])).to.deep.equal([
      ['amount', 'long', true, undefined],
      ['currency', 'enum', false, 'EUR'],
      ['approved', 'boolean', true, undefined],
    ]);
    // a completion without the required fields is refused, naming them; the default fills the enum
    const refused = await server.http.request('POST', `/api/tasks/${check.id}/complete`, { variables: { amount: 'lots' } });
    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('amount: must be a whole number').and.contain('approved: is required');
    const done = await server.http.request('POST', `/api/tasks/${check.id}/complete`, { variables: { amount: 500, approved: true } });
    expect(done.status, done.text).to.equal(200);

    // the #{…} condition took the approved flow; the potentialOwner group routed the payment
    const pay = await openTask(instanceId);
    expect(pay).to.include({ elementId: 'Task_Pay', department: 'payments' });
    expect(pay.form?.find((field) => field.id === 'reference')?.defaultValue).to.equal('none');
    const paid = await server.http.request('POST', `/api/tasks/${pay.id}/complete`, { variables: { paidOn: '2026-03-01' } });
    expect(paid.status, paid.text).to.equal(200);

    const instance = (await server.http.request('GET', `/api/instances/${instanceId}`)).body as { status: string; variables: Record<string, unknown> };
    expect(instance.status).to.equal('completed');
    expect(instance.variables).to.include({ currency: 'EUR', reference: 'none', amount: 500 });

    // and the replay ends at the paid end event, the audit chain verified
    const replay = (await server.http.request('GET', `/api/instances/${instanceId}/replay`)).body as { state: { completed: Record<string, number> } };
    expect(replay.state.completed).to.have.property('End_paid');
    const verify = (await server.http.request('GET', `/api/instances/${instanceId}/audit/verify`)).body as { valid: boolean };
    expect(verify.valid).to.equal(true);
  });

  it('takes the default flow when the #{…} condition is false (reverse path)', async () => {
    await server.http.request('POST', '/api/definitions', { xml: fixture('loan-request.bpmn') });
    const started = (await server.http.request('POST', '/api/instances', { processKey: 'loanRequest', variables: { applicant: 'Bo' } })).body as { id: string };
    const check = await openTask(started.id);
    await server.http.request('POST', `/api/tasks/${check.id}/complete`, { variables: { amount: 50000, approved: true } });
    const instance = (await server.http.request('GET', `/api/instances/${started.id}`)).body as { status: string };
    expect(instance.status).to.equal('completed');
    const audit = (await server.http.request('GET', `/api/instances/${started.id}/audit`)).body as { type: string; elementId: string }[];
    expect(audit.some((event) => event.type === 'activity.left' && event.elementId === 'End_rejected')).to.equal(true);
  });
});
