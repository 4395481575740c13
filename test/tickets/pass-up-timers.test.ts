import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import type { TaskRecord } from '../../server/tasks/task.js';
import { addUser } from '../support/harness.js';
import type { Client } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const HELPDESK = readFileSync(path.join(import.meta.dirname, '../../processes/helpdesk-escalation.bpmn'), 'utf8');
const HOUR = 3_600_000;

interface TaskBody {
  id: string;
  elementId: string;
  department: string | null;
  assignee: string | null;
  status: string;
  history: { action: string; by: string; reason: string | null }[];
}

/**
 * The pyramid's timers and manual pass-ups agree: a pass-up is the diagram's escalation done now,
 * so the level it left has no timer left to take the ticket from its new owner, in either order.
 */
describe('pass-up and escalation timers', () => {
  const server = useTestServer({ deploy: [HELPDESK] });
  let lina: Client;
  let leo: Client;
  let instanceId: string;

  beforeEach(async () => {
    const { baton, http } = server;
    await addUser(baton, 'fiona', 'staff', ['first-line']);
    await addUser(baton, 'lina', 'staff', ['l1']);
    await addUser(baton, 'leo', 'staff', ['l2']);
    const fiona = await http.as('fiona');
    [lina, leo] = await Promise.all([http.as('lina'), http.as('leo')]);
    const started = (await fiona.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } })).body as {
      id: string;
      openTasks: { id: string }[];
    };
    instanceId = started.id;
    await fiona.request('POST', `/api/tasks/${started.openTasks[0]!.id}/complete`, { variables: { resolved: false, resolution: 'no idea' } });
  });

  const open = async (): Promise<TaskRecord[]> => server.baton.store.tasks.list({ instanceId, status: 'open' });
  // Tokens live an hour in tests: sign in again after moving the clock.
  const fireDue = async (hours: number) => {
    server.baton.clock.advance(hours * HOUR);
    await server.baton.scheduler.tick();
    [lina, leo] = await Promise.all([server.http.as('lina'), server.http.as('leo')]);
  };

  it('pass-up first: the L2 owner keeps the ticket when the old L1 deadline passes; L2 has its own SLA', async () => {
    const [l1] = await open();
    expect(l1!.elementId).to.equal('Task_L1');
    await fireDue(2);
    // when lina passes it up with a reason
    const passed = await lina.request('POST', `/api/tasks/${l1!.id}/pass-up`, { reason: 'needs the print server team' });
    expect(passed.status, passed.text).to.equal(200);
    const l2 = passed.body as TaskBody;
    expect(l2).to.include({ elementId: 'Task_L2', department: 'l2', assignee: null });
    expect(l2.history[0]).to.include({ action: 'passed-up', by: 'lina', reason: 'needs the print server team' });
    expect((await leo.request('POST', `/api/tasks/${l2.id}/claim`, {})).status).to.equal(200);
    // then when L1's 20 h are over, nothing moves: leo still owns the L2 task
    await fireDue(19);
    expect((await open()).map((task) => [task.id, task.assignee])).to.deep.equal([[l2.id, 'leo']]);
    // and L2's own 20 h (from the pass-up) escalate it to L3 by timer
    await fireDue(2);
    expect((await open()).map((task) => task.elementId)).to.deep.equal(['Task_L3']);
    const audit = await server.baton.store.audit.forInstance(instanceId);
    const passUp = audit.find((event) => event.type === 'task.passed-up');
    expect(passUp?.actor).to.equal('lina');
    expect(passUp?.data['reason']).to.equal('needs the print server team');
  });

  it('timer first: after the escalation to L2, a pass-up moves it to L3 and the L2 timer is gone', async () => {
    // given L1's SLA runs out and the timer escalates the ticket to L2
    await fireDue(20.1);
    const [l2] = await open();
    expect(l2!.elementId).to.equal('Task_L2');
    expect(l2!.history[0]).to.include({ action: 'escalated', by: 'timer' });
    // when leo claims it and passes it up
    await leo.request('POST', `/api/tasks/${l2!.id}/claim`, {});
    const passed = await leo.request('POST', `/api/tasks/${l2!.id}/pass-up`, { reason: 'hardware fault' });
    expect(passed.status, passed.text).to.equal(200);
    const l3 = passed.body as TaskBody;
    expect(l3).to.include({ elementId: 'Task_L3', department: 'l3' });
    // then L2's old deadline passing changes nothing
    await fireDue(19.95);
    expect((await open()).map((task) => task.id)).to.deep.equal([l3.id]);
  });

  it('refuses a pass-up by someone else than the owner, and one without a reason, changing nothing', async () => {
    const [l1] = await open();
    await lina.request('POST', `/api/tasks/${l1!.id}/claim`, {});
    await addUser(server.baton, 'lars', 'staff', ['l1']);
    const lars = await server.http.as('lars');
    expect((await lars.request('POST', `/api/tasks/${l1!.id}/pass-up`, { reason: 'mine now' })).status).to.equal(409);
    expect((await lina.request('POST', `/api/tasks/${l1!.id}/pass-up`, { reason: '' })).status).to.equal(400);
    expect((await open()).map((task) => [task.id, task.assignee])).to.deep.equal([[l1!.id, 'lina']]);
  });
});
