import path from 'node:path';

import { expect } from 'chai';

import type { TaskView } from '../../server/tasks/task-sla.js';
import { addUser, TEST_ADMIN } from '../support/harness.js';
import type { Client } from '../support/http.js';
import { refundEndpoint, type RefundEndpoint } from '../support/refund-endpoint.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

/**
 * The shipped processes as a newcomer works them from the inbox: every user task has a form, and
 * each process runs to its end with only what those forms ask for, completed over REST (which
 * checks the data against the task's form). A completion without a required answer is refused
 * with 400 and changes nothing.
 */
describe('Shipped processes completed through their task forms', () => {
  const server = useTestServer();
  let refunds: RefundEndpoint;
  /** The admin over REST; signed in again after the clock jumps past the token's expiry. */
  let admin: Client;

  beforeEach(async () => {
    admin = server.http;
    const results = await server.baton.deployDirectory(path.resolve('processes'));
    expect(results.filter((result) => result.error)).to.deep.equal([]);
    refunds = await refundEndpoint();
  });

  afterEach(async () => {
    await refunds.close();
  });

  async function start(processKey: string, variables: Record<string, unknown>, businessKey: string | null = null): Promise<string> {
    const { instance } = await server.baton.instances.start({ processKey, variables, businessKey }, 'api');
    return instance.id;
  }

  async function openTask(instanceId: string, elementId: string): Promise<TaskView> {
    const open = await server.baton.tasks.list({ instanceId, status: 'open' });
    const task = open.find((candidate) => candidate.elementId === elementId);
    expect(task, `open task ${elementId} among ${open.map((t) => t.elementId).join(', ')}`).to.not.equal(undefined);
    return server.baton.tasks.get(task!.id);
  }

  /** Completes the task with answers to its form only, every required field answered. */
  async function fill(instanceId: string, elementId: string, answers: Record<string, unknown>): Promise<void> {
    const task = await openTask(instanceId, elementId);
    const fields = task.form ?? [];
    expect(fields, `${elementId} has a form`).to.not.have.length(0);
    expect(
      fields.map((field) => field.id),
      `${elementId}: answers only what the form asks`,
    ).to.include.members(Object.keys(answers));
    for (const field of fields.filter((candidate) => candidate.required)) expect(answers, `${elementId} answers ${field.id}`).to.have.property(field.id);
    const res = await admin.request('POST', `/api/tasks/${task.id}/complete`, { variables: answers });
    expect(res.status, `${elementId}: ${res.text}`).to.equal(200);
  }

  async function advance(ms: number): Promise<void> {
    server.baton.clock.advance(ms);
    await server.baton.scheduler.tick();
    admin = await server.http.as(TEST_ADMIN.username, TEST_ADMIN.password);
  }

  async function expectFinished(instanceId: string): Promise<void> {
    const view = await server.baton.instances.get(instanceId);
    expect(view.status).to.equal('completed');
    expect(view.openTasks).to.deep.equal([]);
    expect(view.incidents).to.deep.equal([]);
  }

  /** A completion missing a required answer (or of the wrong type) is 400, and the task, the instance and its trail stay as they were. */
  async function expectRefused(instanceId: string, elementId: string, variables: Record<string, unknown>, field: string, status = 400): Promise<void> {
    const task = await openTask(instanceId, elementId);
    const before = await server.baton.instances.get(instanceId);
    const trail = (await server.baton.store.audit.forInstance(instanceId)).length;
    const res = await admin.request('POST', `/api/tasks/${task.id}/complete`, { variables });
    expect(res.status, res.text).to.equal(status);
    expect((res.body as { error: { message: string } }).error.message).to.contain(`${field}:`);
    expect(await server.baton.tasks.get(task.id)).to.deep.include({ status: 'open', version: task.version });
    const after = await server.baton.instances.get(instanceId);
    expect(after.variables).to.deep.equal(before.variables);
    expect(after.incidents).to.deep.equal([]);
    expect((await server.baton.store.audit.forInstance(instanceId)).length).to.equal(trail);
  }

  it('help desk: every level says whether it is solved; passed up to the head of service, who closes it', async () => {
    const id = await start('helpdesk-escalation', { customerEmail: 'eva@example.com' });
    // without the yes/no answer the gateway could not decide: refused, also when it is not a boolean
    await expectRefused(id, 'Task_first_line', { resolution: 'Asked for a screenshot' }, 'resolved');
    await expectRefused(id, 'Task_first_line', { resolved: 'no' }, 'resolved');
    await fill(id, 'Task_first_line', { resolved: false, resolution: 'Asked for a screenshot; not a known problem' });
    await fill(id, 'Task_L1', { resolved: false, resolution: 'Not a configuration problem' });
    await fill(id, 'Task_L2', { resolved: false });
    await fill(id, 'Task_L3', { resolved: false, resolution: 'Needs a decision on a replacement' });
    await fill(id, 'Task_head_of_service', { resolution: 'Replacement approved' });
    await expectFinished(id);
    expect((await server.baton.store.outbox.forInstance(id)).map((message) => message.payload['to'])).to.deep.equal(['eva@example.com']);
  });

  it('help desk: solved at first line', async () => {
    const id = await start('helpdesk-escalation', { customerEmail: 'eva@example.com' });
    await fill(id, 'Task_first_line', { resolved: true, resolution: 'Reset the password' });
    await expectFinished(id);
    expect((await server.baton.instances.get(id)).variables).to.include({ resolved: true, resolution: 'Reset the password' });
  });

  it('payment incident: unclear, investigated with the bank, then refunded after a chase', async () => {
    const id = await start('payment-incident', { customerEmail: 'li@example.com', refundWebhookUrl: refunds.url, bookingReference: 'BK-9' }, 'charge-77');
    await expectRefused(id, 'Task_check_charge_and_booking', { checkNotes: 'Charge found' }, 'outcome');
    await expectRefused(id, 'Task_check_charge_and_booking', { outcome: 'maybe' }, 'outcome');
    await fill(id, 'Task_check_charge_and_booking', { outcome: 'investigate', checkNotes: 'Charge found, booking system unsure' });
    await fill(id, 'Task_investigate_with_bank', { bankFindings: 'The bank settled the charge on 3 March' });
    await fill(id, 'Task_check_charge_and_booking', { outcome: 'refund', checkNotes: 'No booking was made' });
    expect(refunds.calls).to.equal(1);
    // two days without the provider's confirmation: the provider is chased
    await advance(48 * HOUR + 1000);
    await fill(id, 'Task_chase_payment_provider', { chaseNote: 'They promised it for tomorrow' });
    await server.baton.messages.correlate({ name: 'refund-confirmed', businessKey: 'charge-77', variables: { refundId: 'R-1' } }, 'provider');
    await expectFinished(id);
  });

  it('payment incident: the booking exists after all', async () => {
    const id = await start('payment-incident', { customerEmail: 'li@example.com', refundWebhookUrl: refunds.url, bookingReference: 'BK-1' });
    await fill(id, 'Task_check_charge_and_booking', { outcome: 'bound' });
    await expectFinished(id);
    expect(refunds.calls).to.equal(0);
  });

  it('field service: dispatched automatically, rescheduled by hand, parts ordered, fixed with the checklist', async () => {
    // two pump technicians; the asset needs the pump skill
    for (const username of ['tina', 'tom']) await addUser(server.baton, username, 'staff', ['technicians'], ['pump']);
    await addUser(server.baton, 'ivan', 'staff', ['technicians'], ['heating']);
    await server.baton.field.putAsset({ id: 'PUMP-3', type: 'pump', customerEmail: null, address: 'Mill Lane 3', lat: 52.5, lon: 13.4, requiredSkills: [] });
    const id = await start('field-service', { customerEmail: 'max@example.com', equipmentId: 'PUMP-3', description: 'Leaks', customerName: 'Max' });
    // the customer's type plate photo: its file field is checked by the status page's upload, not here
    await server.baton.tasks.complete((await openTask(id, 'Task_plate_photo')).id, {}, 'customer');
    // equal on every figure: the name decides
    expect((await openTask(id, 'Task_visit_and_repair')).assignee).to.equal('tina');
    await advance(24 * HOUR + 1000);
    // a dispatcher may only name a real technician who can take it
    await expectRefused(id, 'Task_reschedule_visit', { technician: 'nobody', rescheduleNote: 'x' }, 'technician', 422);
    await expectRefused(id, 'Task_reschedule_visit', { technician: 'ivan', rescheduleNote: 'x' }, 'technician', 422);
    await fill(id, 'Task_reschedule_visit', { technician: 'tom', rescheduleNote: 'Tina is ill' });
    expect((await openTask(id, 'Task_visit_and_repair')).assignee).to.equal('tom');
    await expectRefused(id, 'Task_visit_and_repair', { workDone: 'Opened the pump', safetyChecked: true, customerInformed: true }, 'fixed');
    // the checklist must be ticked before the visit is done
    await expectRefused(id, 'Task_visit_and_repair', { fixed: true, workDone: 'Opened the pump', safetyChecked: false, customerInformed: true }, 'safetyChecked');
    await fill(id, 'Task_visit_and_repair', { fixed: false, workDone: 'Opened the pump', partsNeeded: 'A seal kit', safetyChecked: true, customerInformed: true });
    await fill(id, 'Task_order_parts', { partsOrdered: 'Seal kit, arrives Friday' });
    await fill(id, 'Task_visit_and_repair', { fixed: true, workDone: 'Replaced the seals', safetyChecked: true, customerInformed: true });
    await expectFinished(id);
    // the invoice (with its PDF) and the feedback request
    const outbox = await server.baton.store.outbox.forInstance(id);
    expect(outbox).to.have.length(2);
    expect(outbox.some((message) => Array.isArray(message.payload['attachments']))).to.equal(true);
  });

  it('field service: nobody can take it, so a dispatcher chooses', async () => {
    const id = await start('field-service', { customerEmail: 'max@example.com', equipmentId: 'PUMP-3', description: 'Leaks', customerName: 'Max' });
    await expectRefused(id, 'Task_dispatch_technician', { dispatchNote: 'Bring a ladder' }, 'technician');
    await expectRefused(id, 'Task_dispatch_technician', { technician: 'tom', dispatchNote: 'Bring a ladder' }, 'technician', 422);
    await addUser(server.baton, 'tom', 'staff', ['technicians']);
    await fill(id, 'Task_dispatch_technician', { technician: 'tom', dispatchNote: 'Bring a ladder' });
    await server.baton.tasks.complete((await openTask(id, 'Task_plate_photo')).id, {}, 'customer');
    expect((await openTask(id, 'Task_visit_and_repair')).assignee).to.equal('tom');
  });
});
