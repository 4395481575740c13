import { expect } from 'chai';

import type { AuditEvent } from '../../server/audit/audit-event.js';
import { AUDIT_EVENT_TYPES } from '../../server/audit/audit-event-types.js';
import { TEST_ADMIN, bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

/**
 * approve (user task, 8 h SLA timer) → decide (amount > 100 and approved) → wait for `paid`
 * (message) → end; the default flow of the gateway ends at once.
 */
const PROCESS = bpmn(
  'recorded',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="approve" />
    <bpmn:userTask id="approve" name="Approve" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="sla" attachedToRef="approve" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT8H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_sla" sourceRef="sla" targetRef="warned" /><bpmn:endEvent id="warned" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" default="small" />
    <bpmn:sequenceFlow id="large" sourceRef="decide" targetRef="wait"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${amount > 100 &amp;&amp; approved}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="decide" targetRef="done" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="paid" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="done" /><bpmn:endEvent id="done" />`,
  '<bpmn:message id="paid" name="paid" />',
);

describe('Audit record: what the trail holds (the issue’s list)', () => {
  const server = useTestServer();

  beforeEach(async () => {
    await server.baton.definitions.deploy(PROCESS);
  });

  const of = (trail: AuditEvent[], type: string) => trail.filter((event) => event.type === type);

  it('records the run: activities, flows, the gateway’s values, task form data, timers, message, variable diffs', async () => {
    const { instance, opened } = await server.baton.instances.start({ processKey: 'recorded', variables: { amount: 250 }, businessKey: 'order-1' }, 'api');
    server.baton.clock.advance(8 * HOUR + 1000);
    await server.baton.scheduler.tick();
    await server.baton.tasks.complete(opened[0]!.id, { approved: true }, 'ada');
    await server.baton.messages.correlate({ name: 'paid', businessKey: 'order-1', variables: { paidAt: 'today' } }, 'bank');
    const trail = await server.baton.store.audit.forInstance(instance.id);

    // every event names who, when and which definition version
    for (const event of trail) {
      expect(event.actor, `actor of ${event.seq}`).to.be.a('string').and.not.equal('');
      expect(Date.parse(event.at), `at of ${event.seq}`).to.not.be.NaN;
      expect(event.definitionId).to.equal('recorded:1');
      expect(AUDIT_EVENT_TYPES, `type ${event.type} is documented`).to.have.property(event.type);
    }
    expect(of(trail, 'instance.started')[0]?.data).to.deep.include({ processKey: 'recorded', version: 1, businessKey: 'order-1' });
    expect(of(trail, 'activity.entered').map((event) => event.elementId)).to.include.members(['s', 'approve', 'sla', 'decide', 'wait', 'done']);
    expect(of(trail, 'flow.taken').map((event) => event.elementId)).to.include.members(['f1', 'f2', 'large', 'f3']);
    expect(of(trail, 'gateway.decided')).to.have.length(1);
    expect(of(trail, 'gateway.decided')[0]).to.deep.include({
      actor: 'ada',
      elementId: 'decide',
      data: {
        executionId: of(trail, 'gateway.decided')[0]!.data['executionId'],
        type: 'bpmn:ExclusiveGateway',
        conditions: [{ flowId: 'large', expression: '${amount > 100 && approved}', result: true, values: { amount: 250, approved: true } }],
        taken: ['large'],
        discarded: ['small'],
        defaultFlow: 'small',
      },
    });
    // the decision comes before the flow it chose
    expect(of(trail, 'gateway.decided')[0]!.seq).to.be.below(of(trail, 'flow.taken').find((event) => event.elementId === 'large')!.seq);
    expect(of(trail, 'task.created')[0]?.data).to.include({ taskId: opened[0]!.id, department: 'l1' });
    expect(of(trail, 'task.completed')[0]).to.deep.include({ actor: 'ada', data: { taskId: opened[0]!.id, output: { approved: true } } });
    const scheduled = of(trail, 'timer.scheduled')[0]!;
    const fired = of(trail, 'timer.fired')[0]!;
    expect(fired.data).to.include({ executionId: scheduled.data['executionId'], scheduledAt: scheduled.data['dueAt'] });
    // fired 1 s late by the clock (the engine may place the due time a millisecond off)
    expect(Date.parse(String(fired.data['firedAt'])) - Date.parse(String(fired.data['scheduledAt']))).to.equal(1000);
    expect(of(trail, 'message.correlated')[0]).to.deep.include({ actor: 'bank' });
    expect(of(trail, 'variables.changed').map((event) => [event.actor, event.data])).to.deep.equal([
      ['api', { set: { amount: 250, ticketNumber: instance.ticketNumber }, removed: [] }],
      ['ada', { set: { approved: true }, removed: [] }],
      ['bank', { set: { paidAt: 'today' }, removed: [] }],
    ]);
    expect(trail.at(-1)?.type).to.equal('instance.completed');
  });

  it('records admin actions with who and why: firing a timer, cancelling', async () => {
    const { instance } = await server.baton.instances.start({ processKey: 'recorded', variables: { amount: 5 }, businessKey: null }, 'api');
    const [timer] = await server.baton.timers.list({ instanceId: instance.id, limit: 10 });
    const fire = await server.http.request('POST', `/api/timers/${encodeURIComponent(timer!.id)}/fire`, { reason: 'testing the warning' });
    expect(fire.status).to.equal(204);
    const cancel = await server.http.request('POST', `/api/instances/${instance.id}/cancel`, { reason: 'duplicate of HD-7' });
    expect(cancel.status).to.equal(200);
    const trail = await server.baton.store.audit.forInstance(instance.id);
    expect(of(trail, 'timer.forced')[0]).to.deep.include({ actor: TEST_ADMIN.username });
    expect(of(trail, 'instance.cancelled')[0]).to.deep.include({ actor: TEST_ADMIN.username });
    expect(of(trail, 'timer.forced')[0]?.data).to.include({ reason: 'testing the warning' });
    expect(of(trail, 'instance.cancelled')[0]?.data).to.deep.equal({ reason: 'duplicate of HD-7', intervention: true });
    expect(of(trail, 'task.cancelled')).to.have.length(1);
    expect((await server.http.request('POST', `/api/timers/${encodeURIComponent(timer!.id)}/fire`, { reason: '' })).status).to.equal(400);
  });
});
