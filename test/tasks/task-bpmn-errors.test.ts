import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const CALL_CUSTOMER = readFileSync(new URL('../fixtures/camunda7/call-customer.bpmn', import.meta.url), 'utf8');
const REPAIR = readFileSync(new URL('../fixtures/camunda7/repair-escalation.bpmn', import.meta.url), 'utf8');

interface TaskBody {
  id: string;
  elementId: string;
  status: string;
  bpmnErrors: { errorCode: string | null; name: string | null }[];
  bpmnEscalations: { escalationCode: string | null; interrupting: boolean }[];
}

/** A person ends a user task with a BPMN error; the boundary event drawn on it catches the code. */
describe('BPMN errors from people', () => {
  const server = useTestServer({ deploy: [CALL_CUSTOMER, REPAIR] });

  async function openTask(instanceId: string): Promise<TaskBody> {
    const [task] = (await server.http.request('GET', `/api/tasks?instanceId=${instanceId}&status=open`)).body as TaskBody[];
    return (await server.http.request('GET', `/api/tasks/${task!.id}`)).body as TaskBody;
  }

  it('lists the codes the diagram catches, refuses others, and follows the boundary event on a caught one', async () => {
    // given a call task with an error boundary for CUSTOMER_UNREACHABLE
    const started = (await server.http.request('POST', '/api/instances', { processKey: 'callCustomer', variables: {} })).body as { id: string };
    await addUser(server.baton, 'ada', 'staff', ['first-line']);
    const ada = await server.http.as('ada');
    const call = await openTask(started.id);
    // then the task lists the code the inbox may offer
    expect(call.bpmnErrors).to.deep.equal([{ errorCode: 'CUSTOMER_UNREACHABLE', name: 'Customer unreachable', catchingElementId: 'Error_Unreachable' }]);
    // when a code the diagram does not catch is sent, it is refused and nothing changes
    const wrong = await ada.request('POST', `/api/tasks/${call.id}/bpmn-error`, { errorCode: 'NO_SUCH', reason: 'test' });
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('CUSTOMER_UNREACHABLE');
    expect((await openTask(started.id)).id).to.equal(call.id);
    // a reason is required
    expect((await ada.request('POST', `/api/tasks/${call.id}/bpmn-error`, { errorCode: 'CUSTOMER_UNREACHABLE' })).status).to.equal(400);
    // when the caught code is sent
    const thrown = await ada.request('POST', `/api/tasks/${call.id}/bpmn-error`, { errorCode: 'CUSTOMER_UNREACHABLE', reason: 'no answer three times' });
    expect(thrown.status, thrown.text).to.equal(200);
    // then the call task is closed and the letter task opens
    expect((thrown.body as TaskBody).status).to.equal('cancelled');
    const letter = await openTask(started.id);
    expect(letter.elementId).to.equal('Task_Letter');
    expect(letter.bpmnErrors).to.deep.equal([]);
    // the log names who ended it, with which code and why; the chain verifies
    const audit = (await server.http.request('GET', `/api/instances/${started.id}/audit`)).body as { type: string; actor: string; data: Record<string, unknown> }[];
    expect(audit.find((event) => event.type === 'task.bpmn-error')).to.deep.include({ actor: 'ada' });
    expect(audit.find((event) => event.type === 'task.bpmn-error')?.data).to.deep.include({ errorCode: 'CUSTOMER_UNREACHABLE', reason: 'no answer three times' });
    expect(((await server.http.request('GET', `/api/instances/${started.id}/audit/verify`)).body as { valid: boolean }).valid).to.equal(true);
    // a task nothing catches an error on refuses any code
    expect((await ada.request('POST', `/api/tasks/${letter.id}/bpmn-error`, { errorCode: 'CUSTOMER_UNREACHABLE', reason: 'x' })).status).to.equal(400);
  });

  it('raises escalations: a non-interrupting one keeps the task and opens the chase, an interrupting one hands the work on', async () => {
    // given a repair with two escalation boundary events
    const started = (await server.http.request('POST', '/api/instances', { processKey: 'repairEscalation', variables: {} })).body as { id: string };
    await addUser(server.baton, 'tom', 'staff', ['technicians']);
    const tom = await server.http.as('tom');
    const repair = await openTask(started.id);
    expect(repair.bpmnEscalations.map((e) => [e.escalationCode, e.interrupting])).to.deep.equal([
      ['PARTS_LATE', false],
      ['SPECIALIST', true],
    ]);
    // an unknown code is refused
    expect((await tom.request('POST', `/api/tasks/${repair.id}/escalation`, { escalationCode: 'NOPE', reason: 'x' })).status).to.equal(400);
    // when the parts are late, the repair stays open and the supplier is chased
    const late = await tom.request('POST', `/api/tasks/${repair.id}/escalation`, { escalationCode: 'PARTS_LATE', reason: 'supplier missed the date' });
    expect(late.status, late.text).to.equal(200);
    const open = async () => ((await server.http.request('GET', `/api/tasks?instanceId=${started.id}&status=open`)).body as TaskBody[]).map((task) => task.elementId).sort();
    expect(await open()).to.deep.equal(['Task_Chase', 'Task_Repair']);
    // when it needs a specialist, the repair is taken away and the specialist task opens
    const handedOn = await tom.request('POST', `/api/tasks/${repair.id}/escalation`, { escalationCode: 'SPECIALIST', reason: 'hydraulics' });
    expect(handedOn.status, handedOn.text).to.equal(200);
    expect(await open()).to.deep.equal(['Task_Chase', 'Task_Specialist']);
    const audit = (await server.http.request('GET', `/api/instances/${started.id}/audit`)).body as { type: string; data: Record<string, unknown> }[];
    expect(audit.filter((event) => event.type === 'task.escalation').map((event) => event.data['escalationCode'])).to.deep.equal(['PARTS_LATE', 'SPECIALIST']);
  });
});
