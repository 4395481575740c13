import path from 'node:path';

import { expect } from 'chai';

import type { ReplayPayload } from '../../server/contracts/replay.js';
import { foldAudit } from '../../server/replay/replay-fold.js';
import type { TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { refundEndpoint, type RefundEndpoint } from '../support/refund-endpoint.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

/**
 * Every shipped process runs to completion; the fold of its audit trail must then agree with what
 * the store holds: completed, no token and no timer left, the same variables, the same tasks with
 * the same outcome and the same person completing each.
 */
describe('Replay of every shipped process reproduces its final state', () => {
  const server = useTestServer();
  let baton: TestBaton;
  let http: Http;
  let refunds: RefundEndpoint;

  beforeEach(async () => {
    baton = server.baton;
    http = server.http;
    expect((await baton.deployDirectory(path.resolve('processes'))).filter((result) => result.error)).to.deep.equal([]);
    refunds = await refundEndpoint();
  });

  afterEach(async () => {
    await refunds.close();
  });

  async function complete(instanceId: string, elementId: string, variables: Record<string, unknown>, actor = 'staff'): Promise<void> {
    const open = await baton.tasks.list({ instanceId, status: 'open' });
    const task = open.find((candidate) => candidate.elementId === elementId);
    expect(task, `open task ${elementId} among ${open.map((t) => t.elementId).join(', ')}`).to.not.equal(undefined);
    await baton.tasks.complete(task!.id, variables, actor);
  }

  async function advance(ms: number): Promise<void> {
    baton.clock.advance(ms);
    await baton.scheduler.tick();
  }

  async function expectReplayMatches(instanceId: string): Promise<ReplayPayload> {
    const res = await http.request('GET', `/api/instances/${instanceId}/replay`);
    expect(res.status).to.equal(200);
    const replay = res.body as ReplayPayload;
    const stored = await baton.instances.get(instanceId);
    const events = await baton.store.audit.forInstance(instanceId);
    const state = foldAudit(events);
    expect(replay.state).to.deep.equal(state);
    expect(replay.verification).to.deep.include({ valid: true, firstInvalid: null });
    expect(replay.events.map((event) => event.seq)).to.deep.equal(events.map((event) => event.seq));
    expect(replay.definition).to.deep.include({ id: stored.definitionId, version: stored.definitionVersion });
    expect((await http.request('GET', replay.definition.xmlUrl)).status).to.equal(200);

    expect(state.status).to.equal('completed');
    expect(state.active).to.deep.equal([]);
    expect(state.timers).to.deep.equal([]);
    expect(state.incidents).to.deep.equal([]);
    expect(state.variables).to.deep.equal(stored.variables);
    const tasks = await baton.tasks.list({ instanceId });
    const byId = (list: { taskId?: string; id?: string }[]) => list.map((task) => task.taskId ?? task.id).sort();
    expect(byId(state.tasks)).to.deep.equal(byId(tasks));
    for (const task of tasks) {
      const replayed = state.tasks.find((candidate) => candidate.taskId === task.id);
      expect(replayed, task.id).to.deep.include({ status: task.status, completedBy: task.completedBy, elementId: task.elementId, endedAt: task.endedAt });
    }
    return replay;
  }

  it('help desk: escalated by timers from L1 up to the head of service', async () => {
    const { instance } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    await complete(instance.id, 'Task_first_line', { resolved: false }, 'fiona');
    for (const level of ['L1', 'L2', 'L3']) {
      // each level's 16 h warning, then its 20 h escalation
      await advance(16 * HOUR + 1000);
      await advance(4 * HOUR);
      expect(
        (await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId),
        `after ${level}`,
      ).to.have.length(1);
    }
    await complete(instance.id, 'Task_head_of_service', { resolved: true }, 'hanna');
    const replay = await expectReplayMatches(instance.id);
    // at the escalation to L2 the replay shows L2's task open and L1's cancelled
    const escalation = replay.events.find((event) => event.type === 'task.escalated' && event.elementId === 'Task_L2');
    expect(escalation).to.not.equal(undefined);
    const atEscalation = foldAudit(replay.events, escalation!.seq);
    expect(atEscalation.active.map((token) => token.elementId)).to.include('Task_L2');
    expect(atEscalation.tasks.find((task) => task.elementId === 'Task_L1')?.status).to.equal('cancelled');
    const fired = replay.events.filter((event) => event.type === 'timer.fired').map((event) => event.elementId);
    expect(fired).to.deep.equal(['Timer_L1_warn', 'Timer_L1_escalate', 'Timer_L2_warn', 'Timer_L2_escalate', 'Timer_L3_warn', 'Timer_L3_escalate']);
    expect(replay.state.tasks.find((task) => task.elementId === 'Task_head_of_service')).to.deep.include({ owner: 'hanna', status: 'completed' });
    // the trail cancels only what the ticket reached: the three escalated tasks and the boundary timers they took along
    const entered = new Set(replay.events.filter((event) => event.type === 'activity.entered').map((event) => event.data['executionId']));
    const cancelled = replay.events.filter((event) => event.type === 'activity.cancelled');
    expect(cancelled.filter((event) => !entered.has(event.data['executionId'])).map((event) => event.elementId)).to.deep.equal([]);
    expect(cancelled.map((event) => event.elementId)).to.include.members(['Task_L1', 'Task_L2', 'Task_L3']);
  });

  it('help desk resolved at first line: no cancellation in the trail', async () => {
    const { instance } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    await complete(instance.id, 'Task_first_line', { resolved: true, resolution: 'Reset the password' }, 'fiona');
    const replay = await expectReplayMatches(instance.id);
    expect(replay.events.filter((event) => event.type === 'activity.cancelled')).to.deep.equal([]);
  });

  it('payment incident: the refund webhook, a chase after two days, the confirmation message', async () => {
    const { instance } = await baton.instances.start(
      { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', refundWebhookUrl: refunds.url, bookingReference: 'BK-9' }, businessKey: 'charge-77' },
      'api',
    );
    await complete(instance.id, 'Task_check_charge_and_booking', { outcome: 'refund' });
    await advance(48 * HOUR + 1000);
    await complete(instance.id, 'Task_chase_payment_provider', {});
    await baton.messages.correlate({ name: 'refund-confirmed', businessKey: 'charge-77', variables: { refundId: 'R-1' } }, 'provider');
    const replay = await expectReplayMatches(instance.id);
    // the outcome gateway's decision names the value it went by
    const decision = replay.events.find((event) => event.type === 'gateway.decided' && event.elementId === 'Gateway_outcome');
    expect(decision?.data).to.deep.include({ taken: ['Flow_outcome_refund'], defaultFlow: 'Flow_outcome_investigate' });
    expect(decision?.data['conditions']).to.deep.include({ flowId: 'Flow_outcome_refund', expression: '=outcome = "refund"', result: true, values: { outcome: 'refund' } });
  });

  it('field service: dispatch, overdue visit rescheduled, parts ordered, fixed', async () => {
    const { instance } = await baton.instances.start({ processKey: 'field-service', variables: { customerEmail: 'max@example.com', equipmentId: 'PUMP-3' }, businessKey: null }, 'api');
    await complete(instance.id, 'Task_dispatch_technician', { technician: 'tom' });
    await complete(instance.id, 'Task_plate_photo', {}, 'customer');
    await advance(24 * HOUR + 1000);
    await complete(instance.id, 'Task_reschedule_visit', { technician: 'tina' });
    await complete(instance.id, 'Task_visit_and_repair', { fixed: false }, 'tina');
    await complete(instance.id, 'Task_order_parts', {});
    await complete(instance.id, 'Task_visit_and_repair', { fixed: true }, 'tina');
    const replay = await expectReplayMatches(instance.id);
    // the visit's owner is the technician the process assigned
    expect(replay.state.tasks.filter((task) => task.elementId === 'Task_visit_and_repair').map((task) => task.owner)).to.deep.equal(['tom', 'tina', 'tina']);
  });
});
