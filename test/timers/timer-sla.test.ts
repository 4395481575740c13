import { expect } from 'chai';

import { bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

const ESCALATING = bpmn(
  'sla',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="l1_escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=if priority = "high" then "PT4H" else "PT20H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="l1_warn" attachedToRef="l1" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT16H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="l1_escalate" targetRef="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l1_warn" targetRef="warned" />
    <bpmn:endEvent id="warned" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

describe('SLA timers', () => {
  const server = useTestServer();

  beforeEach(async () => {
    await server.baton.definitions.deploy(ESCALATING);
  });

  async function start(priority: string) {
    return server.baton.instances.start({ processKey: 'sla', variables: { priority }, businessKey: null }, 'api');
  }

  it('gives a task its SLA from its boundary timers, and the state moves with the clock', async () => {
    // given a normal-priority ticket at L1
    const startedAt = server.baton.clock.now().getTime();
    const { opened } = await start('normal');
    const task = await server.baton.tasks.get(opened[0]!.id);
    // then its deadline is the 20 h escalation and its warning the 16 h timer
    expect(new Date(task.dueAt!).getTime() - startedAt).to.equal(20 * HOUR);
    expect(new Date(task.warnAt!).getTime() - startedAt).to.equal(16 * HOUR);
    expect(task.sla).to.equal('on-time');
    // when 17 hours pass
    server.baton.clock.advance(17 * HOUR);
    // then it is at risk
    expect((await server.baton.tasks.get(task.id)).sla).to.equal('at-risk');
  });

  it('takes a FEEL duration: a high-priority ticket escalates after 4 h', async () => {
    const startedAt = server.baton.clock.now().getTime();
    const { opened } = await start('high');
    expect(new Date(opened[0]!.dueAt!).getTime() - startedAt).to.equal(4 * HOUR);
  });

  it('records the escalation on the new task and the timer firing in the audit log', async () => {
    // given a ticket at L1
    const { instance, opened } = await start('normal');
    // when the 20 h pass
    server.baton.clock.advance(20 * HOUR + 1000);
    await server.baton.scheduler.tick();
    // then the L2 task says where it came from and why
    const [l2] = await server.baton.tasks.list({ instanceId: instance.id, status: 'open' });
    expect(l2!.elementId).to.equal('l2');
    expect(l2!.escalatedFrom).to.deep.include({ taskId: opened[0]!.id, elementId: 'l1', timerElementId: 'l1_escalate' });
    const trail = await server.baton.instances.auditTrail(instance.id);
    const fired = trail.filter((event) => event.type === 'timer.fired').map((event) => [event.elementId, event.data['scheduledAt'] !== null]);
    expect(fired).to.deep.equal([
      ['l1_warn', true],
      ['l1_escalate', true],
    ]);
    expect(trail.some((event) => event.type === 'task.escalated')).to.equal(true);
  });

  it('lists pending timers over HTTP, fires one now and reschedules another, both audited', async () => {
    // given two tickets at L1
    const a = await start('normal');
    const b = await start('normal');
    // when the pending timers of ticket A are listed
    const listed = await server.http.request('GET', `/api/timers?instance=${a.instance.id}`);
    const timers = listed.body as { id: string; elementId: string; dueAt: string }[];
    expect(timers.map((timer) => timer.elementId)).to.deep.equal(['l1_warn', 'l1_escalate']);
    // and its escalation is fired now
    const escalate = timers.find((timer) => timer.elementId === 'l1_escalate')!;
    expect((await server.http.request('POST', `/api/timers/${encodeURIComponent(escalate.id)}/fire`)).status).to.equal(204);
    // then A is at L2 at once
    expect((await server.baton.tasks.list({ instanceId: a.instance.id, status: 'open' })).map((t) => t.elementId)).to.deep.equal(['l2']);
    // (the log names the signed-in user, here the test admin)
    expect((await server.baton.instances.auditTrail(a.instance.id)).some((event) => event.type === 'timer.forced' && event.actor === 'admin')).to.equal(true);

    // when B's escalation is moved to 30 h with a reason
    const bTimers = (await server.http.request('GET', `/api/timers?instance=${b.instance.id}`)).body as { id: string; elementId: string }[];
    const bEscalate = bTimers.find((timer) => timer.elementId === 'l1_escalate')!;
    const newDue = new Date(server.baton.clock.now().getTime() + 30 * HOUR);
    const moved = await server.http.request('POST', `/api/timers/${encodeURIComponent(bEscalate.id)}/reschedule`, {
      dueAt: newDue.toISOString(),
      reason: 'customer on holiday',
    });
    expect(moved.status).to.equal(200);
    expect((moved.body as { dueAt: string }).dueAt).to.equal(newDue.toISOString());
    // then at 21 h nothing escalates (only the warning fires), and at 30 h it does
    server.baton.clock.advance(21 * HOUR);
    await server.baton.scheduler.tick();
    expect((await server.baton.tasks.list({ instanceId: b.instance.id, status: 'open' })).map((t) => t.elementId)).to.deep.equal(['l1']);
    server.baton.clock.advance(9 * HOUR + 1000);
    await server.baton.scheduler.tick();
    expect((await server.baton.tasks.list({ instanceId: b.instance.id, status: 'open' })).map((t) => t.elementId)).to.deep.equal(['l2']);
    const rescheduled = (await server.baton.instances.auditTrail(b.instance.id)).find((event) => event.type === 'timer.rescheduled');
    expect(rescheduled?.data).to.include({ reason: 'customer on holiday', to: newDue.toISOString() });
    expect(rescheduled?.actor).to.equal('admin');
  });

  it('reports pending timers and firing lateness as JSON and for Prometheus', async () => {
    // given two tickets, and the first one's warning fired 30 s late
    await start('normal');
    await start('normal');
    server.baton.clock.advance(16 * HOUR + 30_000);
    await server.baton.scheduler.tick();
    // when the metrics are read
    const json = (await server.http.request('GET', '/api/timers/metrics')).body as { pending: number; fired: number; lateness: { p50Ms: number } };
    const text = (await server.http.request('GET', '/metrics')).text;
    // then two escalations are pending, two warnings fired, each about 30 s late
    expect(json).to.deep.include({ pending: 2, fired: 2 });
    expect(json.lateness.p50Ms).to.equal(30_000);
    expect(text).to.contain('baton_timers_pending 2');
    expect(text).to.contain('baton_timer_lateness_seconds_count 2');
    expect(text).to.match(/baton_timer_lateness_seconds_bucket\{le="30"\} 2/);
  });

  it('answers clearly for an unknown timer and a reschedule without a reason', async () => {
    const { instance } = await start('normal');
    const unknown = await server.http.request('POST', '/api/timers/nope/fire');
    expect(unknown.status).to.equal(404);
    const [timer] = (await server.http.request('GET', `/api/timers?instance=${instance.id}`)).body as { id: string }[];
    const noReason = await server.http.request('POST', `/api/timers/${encodeURIComponent(timer!.id)}/reschedule`, { dueAt: 'tomorrow' });
    expect(noReason.status).to.equal(400);
  });
});
