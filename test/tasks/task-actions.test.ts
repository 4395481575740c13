import { expect } from 'chai';

import type { TaskView } from '../../server/tasks/task-sla.js';
import { addUser, bpmn, type TestBaton } from '../support/harness.js';
import type { Client, Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

/** An L1 task with a Camunda generated form: amount (long, required) and kind (enum). */
export const FORM_PROCESS = bpmn(
  'refund-form',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
   <bpmn:userTask id="check" name="Check the refund" camunda:candidateGroups="l1">
     <bpmn:extensionElements><camunda:formData>
       <camunda:formField id="amount" label="Amount" type="long"><camunda:validation><camunda:constraint name="required" /></camunda:validation></camunda:formField>
       <camunda:formField id="kind" type="enum"><camunda:value id="refund" name="Refund" /><camunda:value id="credit" name="Credit" /></camunda:formField>
     </camunda:formData></bpmn:extensionElements>
   </bpmn:userTask>
   <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" /><bpmn:endEvent id="end" />`,
);

interface ErrorBody {
  error: { code: string; message: string };
}

describe('Task actions over REST', () => {
  const server = useTestServer();
  let baton: TestBaton;
  let http: Http;
  let ada: Client;
  let bob: Client;

  beforeEach(async () => {
    baton = server.baton;
    http = server.http;
    await addUser(baton, 'ada', 'staff', ['l1']);
    await addUser(baton, 'bob', 'staff', ['l1']);
    await addUser(baton, 'lena', 'staff', ['l2']);
    ada = await http.as('ada');
    bob = await http.as('bob');
    await baton.definitions.deploy(FORM_PROCESS);
  });

  async function openTask(): Promise<TaskView> {
    const { opened } = await baton.instances.start({ processKey: 'refund-form', variables: {}, businessKey: null }, 'test');
    return await baton.tasks.get(opened[0]!.id);
  }

  async function auditTypes(instanceId: string): Promise<[string, string][]> {
    return (await baton.store.audit.forInstance(instanceId)).filter((event) => event.type.startsWith('task.')).map((event) => [event.type, event.actor]);
  }

  it('claims, releases and completes with valid form data; every action audited under the user, versions counting', async () => {
    // given an open L1 task
    const task = await openTask();
    // when ada claims it, releases it, bob claims it and completes it
    const claimed = await ada.request('POST', `/api/tasks/${task.id}/claim`, { version: 1 });
    expect(claimed.body).to.include({ assignee: 'ada', version: 2 });
    expect((await ada.request('POST', `/api/tasks/${task.id}/release`, { version: 2 })).body).to.include({ assignee: null, version: 3 });
    expect((await bob.request('POST', `/api/tasks/${task.id}/claim`, {})).status).to.equal(200);
    const done = await bob.request('POST', `/api/tasks/${task.id}/complete`, { variables: { amount: 40, kind: 'refund' }, version: 4 });
    // then it is completed by bob, the owner chain has every step, and the log names the users
    expect(done.status, done.text).to.equal(200);
    expect(done.body).to.include({ status: 'completed', completedBy: 'bob', version: 5 });
    const history = (done.body as TaskView).history.map((entry) => [entry.action, entry.by, entry.assignee]);
    expect(history).to.deep.equal([
      ['routed', 'system', null],
      ['claimed', 'ada', 'ada'],
      ['released', 'ada', null],
      ['claimed', 'bob', 'bob'],
      ['completed', 'bob', 'bob'],
    ]);
    expect(await auditTypes(task.instanceId)).to.deep.equal([
      ['task.created', 'system'],
      ['task.claimed', 'ada'],
      ['task.released', 'ada'],
      ['task.claimed', 'bob'],
      ['task.completed', 'bob'],
    ]);
    expect((await http.request('GET', `/api/instances/${task.instanceId}/audit/verify`)).body).to.include({ valid: true });
  });

  it('gives exactly one owner when two claim at once; the second gets 409', async () => {
    const task = await openTask();
    const answers = await Promise.all([ada.request('POST', `/api/tasks/${task.id}/claim`, {}), bob.request('POST', `/api/tasks/${task.id}/claim`, {})]);
    expect(answers.map((res) => res.status).sort()).to.deep.equal([200, 409]);
    const owner = (await baton.store.tasks.get(task.id))!;
    expect(owner.version).to.equal(2);
    expect((await auditTypes(task.instanceId)).filter(([type]) => type === 'task.claimed')).to.have.length(1);
  });

  it('passes up to the parent department with a reason; hands over sideways and to a person', async () => {
    const task = await openTask();
    await ada.request('POST', `/api/tasks/${task.id}/claim`, {});
    // a pass-up without a reason is refused
    expect((await ada.request('POST', `/api/tasks/${task.id}/pass-up`, {})).status).to.equal(400);
    const passed = await ada.request('POST', `/api/tasks/${task.id}/pass-up`, { reason: 'needs a network specialist' });
    expect(passed.body).to.include({ department: 'l2', assignee: null });
    // ada may still read it (her ticket's story) but no longer act on it; lena (L2) does and hands it to payments, then to bob by name
    expect((await ada.request('GET', `/api/tasks/${task.id}`)).status).to.equal(200);
    expect((await ada.request('POST', `/api/tasks/${task.id}/claim`, {})).status).to.equal(403);
    const lena = await http.as('lena');
    expect((await lena.request('POST', `/api/tasks/${task.id}/hand-over`, { department: 'payments', reason: 'it is a billing matter' })).body).to.include({ department: 'payments' });
    expect((await http.request('POST', `/api/tasks/${task.id}/hand-over`, { assignee: 'bob', reason: 'bob knows the customer' })).body).to.include({ assignee: 'bob' });
    // and the chain and the log keep every hand-off with its reason
    const stored = (await baton.store.tasks.get(task.id))!;
    expect(stored.history.map((entry) => [entry.action, entry.department, entry.reason])).to.deep.equal([
      ['routed', 'l1', stored.routingReason],
      ['claimed', 'l1', null],
      ['passed-up', 'l2', 'needs a network specialist'],
      ['handed-over', 'payments', 'it is a billing matter'],
      ['handed-over', 'payments', 'bob knows the customer'],
    ]);
    const passedEvent = (await baton.store.audit.forInstance(task.instanceId)).find((event) => event.type === 'task.passed-up')!;
    expect(passedEvent.data).to.deep.include({ reason: 'needs a network specialist', to: { department: 'l2' } });
  });

  it('refuses inside the step a completion checked against an older version (a claim got in between)', async () => {
    // given a task ada claimed after someone's checks saw version 1
    const task = await openTask();
    await ada.request('POST', `/api/tasks/${task.id}/claim`, {});
    const auditBefore = (await baton.store.audit.forInstance(task.instanceId)).length;
    // when the completion that was checked against version 1 reaches the instance's queue
    const error = await baton.tasks.complete(task.id, { amount: 1 }, 'bob', 1).then(
      () => null,
      (err: unknown) => err,
    );
    // then it is refused as stale and nothing was written
    expect(error).to.have.property('code', 'VERSION_CONFLICT');
    expect((await baton.store.tasks.get(task.id))!).to.include({ status: 'open', assignee: 'ada', version: 2 });
    expect((await baton.store.audit.forInstance(task.instanceId)).length).to.equal(auditBefore);
  });

  it('records comments in the log without changing the task', async () => {
    const task = await openTask();
    const res = await ada.request('POST', `/api/tasks/${task.id}/comments`, { text: 'customer called again' });
    expect(res.body).to.include({ version: 1 });
    const event = (await baton.store.audit.forInstance(task.instanceId)).find((e) => e.type === 'task.commented')!;
    expect(event).to.deep.include({ actor: 'ada', data: { taskId: task.id, version: 1, comment: 'customer called again' } });
  });

  describe('bad input: a clear 4xx and nothing changed', () => {
    let task: TaskView;

    beforeEach(async () => {
      task = await openTask();
      await ada.request('POST', `/api/tasks/${task.id}/claim`, {});
    });

    const cases: [string, () => Promise<{ status: number; body: unknown }>, number, string][] = [
      ['an unknown task', () => ada.request('POST', '/api/tasks/nope/claim', {}), 404, 'NOT_FOUND'],
      ['a stale version', () => ada.request('POST', `/api/tasks/${task.id}/release`, { version: 1 }), 409, 'VERSION_CONFLICT'],
      ['a claim of a task someone holds', () => bob.request('POST', `/api/tasks/${task.id}/claim`, {}), 409, 'CONFLICT'],
      ['form data missing a required field', () => ada.request('POST', `/api/tasks/${task.id}/complete`, { variables: { kind: 'refund' } }), 400, 'INVALID_INPUT'],
      ['form data of the wrong type', () => ada.request('POST', `/api/tasks/${task.id}/complete`, { variables: { amount: 'forty' } }), 400, 'INVALID_INPUT'],
      ['a value outside an enum', () => ada.request('POST', `/api/tasks/${task.id}/complete`, { variables: { amount: 4, kind: 'cash' } }), 400, 'INVALID_INPUT'],
      ['completing a task someone else holds', () => bob.request('POST', `/api/tasks/${task.id}/complete`, { variables: { amount: 4 } }), 409, 'CONFLICT'],
      [
        'a pass-up from the top of the pyramid',
        () =>
          http.request('POST', `/api/tasks/${task.id}/hand-over`, { department: 'head-of-service', reason: 'x' }).then(() => http.request('POST', `/api/tasks/${task.id}/pass-up`, { reason: 'y' })),
        409,
        'CONFLICT',
      ],
      ['a hand-over to nobody', () => ada.request('POST', `/api/tasks/${task.id}/hand-over`, { reason: 'x' }), 400, 'INVALID_INPUT'],
      ['a hand-over to an unknown department', () => ada.request('POST', `/api/tasks/${task.id}/hand-over`, { department: 'mars', reason: 'x' }), 404, 'NOT_FOUND'],
      ['an unknown field in the body', () => ada.request('POST', `/api/tasks/${task.id}/claim`, { owner: 'me' }), 400, 'INVALID_INPUT'],
    ];
    for (const [what, call, status, code] of cases) {
      it(`answers ${what} with ${status}`, async () => {
        const res = await call();
        expect(res.status).to.equal(status);
        expect((res.body as ErrorBody).error.code).to.equal(code);
        if (what.startsWith('a pass-up')) return; // the hand-over before it changed the task on purpose
        const after = (await baton.store.tasks.get(task.id))!;
        expect(after).to.include({ version: 2, assignee: 'ada', status: 'open', department: 'l1' });
      });
    }
  });
});
