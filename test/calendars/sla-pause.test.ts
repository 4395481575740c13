import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import { addUser, bpmn, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const H = 3_600_000;
const lunch = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
] as [string, string][];
const NS = 'xmlns:baton="https://baton.example/schema/bpmn/1.0"';
const timer = (duration: string) =>
  `<bpmn:timerEventDefinition baton:calendar="support"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition>`;

/** L1 with a 20 working-hour escalation and a 16 h warning; with `customer`, a task for the customer opens beside it. */
function process(customer: boolean): string {
  const split = customer
    ? `<bpmn:parallelGateway id="split" /><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split" />
       <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="l1" /><bpmn:sequenceFlow id="fc" sourceRef="split" targetRef="ask" />
       <bpmn:userTask id="ask" name="Send us a photo" camunda:candidateGroups="customer" />
       <bpmn:sequenceFlow id="fc2" sourceRef="ask" targetRef="asked" /><bpmn:endEvent id="asked" />`
    : `<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />`;
  return bpmn(
    'pausing',
    `<bpmn:startEvent id="start" />${split}
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="l1_escalate" attachedToRef="l1">${timer('PT20H')}</bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="l1_warn" attachedToRef="l1" cancelActivity="false">${timer('PT16H')}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="l1_escalate" targetRef="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l1_warn" targetRef="warned" />
    <bpmn:endEvent id="warned" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end" />
    <bpmn:endEvent id="end" />`,
  ).replace('<bpmn:definitions ', `<bpmn:definitions ${NS} `);
}

describe('SLA pause while waiting on the customer', () => {
  let baton: TestBaton;
  let http: Http;
  // Monday 30 November 2026, 10:00 Berlin
  const monday = new Date('2026-11-30T09:00:00Z');

  const server = useTestServer({ clock: new ManualClock(monday) });

  async function boot(existing?: TestBaton): Promise<void> {
    if (existing) await existing.restart();
    ({ baton, http } = server);
  }

  beforeEach(async () => {
    await boot();
    await baton.calendars.create({ id: 'support', name: 'Support', timeZone: 'Europe/Berlin', week: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch }, holidays: [], exceptions: [] });
  });

  async function openTask(instanceId: string, elementId: string) {
    const task = (await baton.tasks.list({ instanceId, status: 'open' })).find((candidate) => candidate.elementId === elementId);
    expect(task, elementId).to.not.equal(undefined);
    return task!;
  }

  it('stops the clocks with a reason, survives a restart, and moves every due time by the paused working time on resume', async () => {
    // given a ticket at L1 opened Monday 10:00, due after 20 working hours: 7 + 8 + 5 → Wednesday 15:00
    await baton.definitions.deploy(process(false));
    const { instance } = await baton.instances.start({ processKey: 'pausing', variables: {}, businessKey: null }, 'api');
    const l1 = await openTask(instance.id, 'l1');
    expect(l1.dueAt).to.equal('2026-12-02T14:00:00.000Z');
    await addUser(baton, 'ada', 'staff', ['l1']);
    // when Ada waits on the customer at Monday 12:00 (2 working hours counted)
    baton.clock.set(new Date('2026-11-30T11:00:00Z'));
    const ada = await http.as('ada');
    const paused = await ada.request('POST', `/api/tasks/${l1.id}/wait-on-customer`, { reason: 'Asked for the serial number' });
    // then the task has no due time while paused and the timers wait
    expect(paused.status).to.equal(200);
    expect(paused.body).to.include({ dueAt: null, warnAt: null, sla: null });
    const timers = await baton.store.timers.forInstance(instance.id);
    expect(timers.map((timer) => timer.clock?.from)).to.deep.equal([null, null]);
    expect(timers.map((timer) => timer.clock?.remainingMs).sort()).to.deep.equal([14 * H, 18 * H]);
    // when Baton restarts and a week passes (far past the original due time), nothing escalates
    await boot(baton);
    baton.clock.set(new Date('2026-12-07T09:00:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['l1']);
    // when the customer's answer arrives and Ada resumes on Monday 7 December 10:00
    const again = await http.as('ada');
    const resumed = await again.request('POST', `/api/tasks/${l1.id}/resume`, { reason: 'Serial number received' });
    // then 18 working hours remain: Tuesday 8 (9 from 10:00... 8 h) → due Wednesday 9 December 12:00 Berlin
    expect(resumed.status).to.equal(200);
    expect((resumed.body as { dueAt: string }).dueAt).to.equal('2026-12-09T11:00:00.000Z');
    const moved = await baton.store.timers.forInstance(instance.id);
    expect(moved.map((timer) => timer.dueAt)).to.include('2026-12-09T11:00:00.000Z');
    // and the trail has the pause, the resume and each move, chained; replay lists them
    const types = (await baton.instances.auditTrail(instance.id)).map((event) => event.type);
    expect(types.filter((type) => type.startsWith('sla.') || type === 'timer.moved')).to.deep.equal(['sla.paused', 'timer.moved', 'timer.moved', 'sla.resumed', 'timer.moved', 'timer.moved']);
    const replay = await http.request('GET', `/api/instances/${instance.id}/replay`);
    expect(JSON.stringify(replay.body)).to.contain('sla.resumed');
    expect((await http.request('GET', `/api/instances/${instance.id}/audit/verify`)).body).to.include({ valid: true });
    // and the escalation comes at the moved time, not before
    baton.clock.set(new Date('2026-12-09T10:59:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['l1']);
    baton.clock.set(new Date('2026-12-09T11:01:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['l2']);
  });

  it('refuses a second pause, a resume of a running ticket, a pause without reason and auditors, changing nothing', async () => {
    await baton.definitions.deploy(process(false));
    const { instance } = await baton.instances.start({ processKey: 'pausing', variables: {}, businessKey: null }, 'api');
    const l1 = await openTask(instance.id, 'l1');
    await addUser(baton, 'audrey', 'auditor');
    const audrey = await http.as('audrey');
    expect((await http.request('POST', `/api/tasks/${l1.id}/resume`, {})).status).to.equal(409);
    expect((await http.request('POST', `/api/tasks/${l1.id}/wait-on-customer`, {})).status).to.equal(400);
    expect((await audrey.request('POST', `/api/tasks/${l1.id}/wait-on-customer`, { reason: 'x' })).status).to.equal(403);
    const before = await baton.store.timers.forInstance(instance.id);
    expect((await http.request('POST', `/api/tasks/${l1.id}/wait-on-customer`, { reason: 'Asked' })).status).to.equal(200);
    const second = await http.request('POST', `/api/tasks/${l1.id}/wait-on-customer`, { reason: 'Again' });
    expect(second.status).to.equal(409);
    expect((second.body as { error: { message: string } }).error.message).to.match(/already waiting on the customer/);
    expect((await baton.store.timers.forInstance(instance.id)).map((timer) => timer.id).sort()).to.deep.equal(before.map((timer) => timer.id).sort());
  });

  it('a task for the customer stops the clocks; the customer answering starts them again: no breach', async () => {
    // given a ticket whose L1 task opens together with a task for the customer
    await baton.definitions.deploy(process(true));
    const { instance } = await baton.instances.start({ processKey: 'pausing', variables: {}, businessKey: null }, 'api');
    // then the clocks stopped at once: L1 has no due time, its timers wait
    expect((await openTask(instance.id, 'l1')).dueAt).to.equal(null);
    // when the customer answers a week later (Monday 7 December 10:00)
    baton.clock.set(new Date('2026-12-07T09:00:00Z'));
    await baton.scheduler.tick();
    await baton.tasks.complete((await openTask(instance.id, 'ask')).id, {}, 'customer');
    // then the full 20 working hours count from the answer: Wednesday 9 December 15:00 Berlin; nothing breached
    const l1 = await openTask(instance.id, 'l1');
    expect(l1.dueAt).to.equal('2026-12-09T14:00:00.000Z');
    const trail = await baton.instances.auditTrail(instance.id);
    expect(trail.find((event) => event.type === 'sla.resumed')).to.include({ actor: 'customer' });
    expect(trail.some((event) => event.type === 'timer.fired')).to.equal(false);
  });
});
