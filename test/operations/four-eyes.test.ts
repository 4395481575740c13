import path from 'node:path';

import { expect } from 'chai';

import type { ApprovalRecord } from '../../server/operations/approval.js';
import { addUser, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

describe('Four-eyes interventions (BATON_FOUR_EYES=on)', () => {
  const server = useTestServer({ config: { fourEyes: true } });
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    baton = server.baton;
    http = server.http;
    await baton.deployDirectory(path.resolve('processes'));
    await addUser(baton, 'second', 'admin');
  });

  async function helpDesk(): Promise<string> {
    const { instance } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    return instance.id;
  }

  it('holds a variable edit as a request: nothing changes until a second admin approves', async () => {
    // given a ticket and an admin asking for a variable edit
    const id = await helpDesk();
    const before = await baton.store.instances.get(id);
    const asked = await http.request('PATCH', `/api/instances/${id}/variables`, { set: { priority: 'high' }, reason: 'VIP customer' });
    // then it is a pending request and the ticket is unchanged
    expect(asked.status, asked.text).to.equal(202);
    const { approval } = asked.body as { approval: ApprovalRecord };
    expect(approval).to.deep.include({ kind: 'variables', instanceId: id, status: 'pending', requestedBy: 'admin', reason: 'VIP customer' });
    expect(await baton.store.instances.get(id)).to.deep.equal(before);
    expect(((await http.request('GET', '/api/approvals?status=pending')).body as { approvals: ApprovalRecord[] }).approvals.map((a) => a.id)).to.deep.equal([approval.id]);
    // when the same admin tries to approve it: refused
    expect((await http.request('POST', `/api/approvals/${approval.id}/approve`, {})).status).to.equal(403);
    expect(await baton.store.instances.get(id)).to.deep.equal(before);
    // when a second admin approves
    const second = await http.as('second');
    const approved = await second.request('POST', `/api/approvals/${approval.id}/approve`, {});
    expect(approved.status, approved.text).to.equal(200);
    // then it is applied, audited with who asked and who approved
    expect((await baton.store.instances.get(id))?.variables).to.deep.include({ priority: 'high' });
    const edited = (await baton.store.audit.forInstance(id)).find((event) => event.type === 'instance.variables-edited');
    expect(edited).to.deep.include({ actor: 'second' });
    expect(edited?.data).to.deep.include({ requestedBy: 'admin', approvalId: approval.id, reason: 'VIP customer', intervention: true });
    // and it cannot be decided again
    expect((await second.request('POST', `/api/approvals/${approval.id}/reject`, {})).status).to.equal(409);
  });

  it('holds a cancel and a move; a rejected request is never applied; dry runs are not held', async () => {
    const id = await helpDesk();
    const cancel = await http.request('POST', `/api/instances/${id}/cancel`, { reason: 'duplicate' });
    expect(cancel.status).to.equal(202);
    const move = await http.request('POST', `/api/instances/${id}/move`, { from: 'Task_first_line', to: 'Task_L1', reason: 'L1 case' });
    expect(move.status).to.equal(202);
    const dry = await http.request('POST', `/api/instances/${id}/move`, { from: 'Task_first_line', to: 'Task_L1', reason: 'L1 case', dryRun: true });
    expect(dry.status).to.equal(200);
    const second = await http.as('second');
    const { approval: cancelRequest } = cancel.body as { approval: ApprovalRecord };
    const rejected = await second.request('POST', `/api/approvals/${cancelRequest.id}/reject`, { note: 'not a duplicate' });
    expect(rejected.body as ApprovalRecord).to.deep.include({ status: 'rejected', decidedBy: 'second', note: 'not a duplicate' });
    expect((await baton.instances.get(id)).status).to.equal('running');
    const { approval: moveRequest } = move.body as { approval: ApprovalRecord };
    expect((await second.request('POST', `/api/approvals/${moveRequest.id}/approve`, {})).status).to.equal(200);
    expect((await baton.tasks.list({ instanceId: id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['Task_L1']);
  });

  it('marks an approved request failed, with why, when the ticket moved on meanwhile', async () => {
    const id = await helpDesk();
    const asked = await http.request('POST', `/api/instances/${id}/move`, { from: 'Task_first_line', to: 'Task_L2', reason: 'r' });
    const { approval } = asked.body as { approval: ApprovalRecord };
    // the first-line task is completed before anyone approves
    const [task] = await baton.tasks.list({ instanceId: id, status: 'open' });
    await baton.tasks.complete(task!.id, { resolved: true }, 'staff');
    const second = await http.as('second');
    const res = await second.request('POST', `/api/approvals/${approval.id}/approve`, {});
    expect(res.status).to.equal(409);
    expect(await baton.store.approvals.get(approval.id)).to.deep.include({ status: 'failed', decidedBy: 'second' });
  });

  it('checks the guard when the request is made: a staff member cannot even ask', async () => {
    const id = await helpDesk();
    await addUser(baton, 'sam', 'staff', ['first-line']);
    const sam = await http.as('sam');
    expect((await sam.request('PATCH', `/api/instances/${id}/variables`, { set: { a: 1 }, reason: 'r' })).status).to.equal(403);
    expect((await http.request('GET', '/api/approvals')).body).to.deep.include({ enabled: true, approvals: [] });
  });
});
