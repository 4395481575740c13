import { expect } from 'chai';

import type { CalendarRecord } from '../../server/calendars/calendar.js';
import { ManualClock } from '../../server/clock.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const lunch = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
] as [string, string][];
const support: CalendarRecord = { id: 'support', name: 'Support', timeZone: 'Europe/Berlin', week: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch }, holidays: [], exceptions: [] };
const timer = (duration: string) =>
  `<bpmn:timerEventDefinition baton:calendar="support"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
const PROCESS = bpmn(
  'recomputed',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="l1_escalate" attachedToRef="l1">${timer('PT20H')}</bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="l1_warn" attachedToRef="l1" cancelActivity="false">${timer('PT16H')}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="l1_escalate" targetRef="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l1_warn" targetRef="warned" /><bpmn:endEvent id="warned" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end" /><bpmn:endEvent id="end" />`,
).replace('<bpmn:definitions ', '<bpmn:definitions xmlns:baton="https://baton.example/schema/bpmn/1.0" ');

describe('Recompute after a calendar change', () => {
  // Monday 30 November 2026, 10:00 Berlin: due Wednesday 15:00 Berlin, warned Wednesday 10:00
  const monday = new Date('2026-11-30T09:00:00Z');
  const server = useTestServer({ clock: new ManualClock(monday) });
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.calendars.create(support);
    await baton.definitions.deploy(PROCESS);
  });

  const open = async (instanceId: string) => (await baton.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId);

  it('a new holiday moves every pending timer and due date counting in the calendar, audited', async () => {
    // given two tickets at L1, due Wednesday 15:00 Berlin
    const a = await baton.instances.start({ processKey: 'recomputed', variables: {}, businessKey: null }, 'api');
    const b = await baton.instances.start({ processKey: 'recomputed', variables: {}, businessKey: null }, 'api');
    expect(a.opened[0]!.dueAt).to.equal('2026-12-02T14:00:00.000Z');
    // when an admin makes Tuesday 1 December a holiday over HTTP
    const changed = await server.http.request('PATCH', '/api/calendars/support', { holidays: ['2026-12-01'] });
    expect(changed.status).to.equal(200);
    await baton.calendarRecompute.idle();
    // then both tickets are due a working day later (Thursday 15:00) and warned Thursday 10:00
    for (const { instance } of [a, b]) {
      const [task] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
      expect(task!.dueAt).to.equal('2026-12-03T14:00:00.000Z');
      expect(task!.warnAt).to.equal('2026-12-03T09:00:00.000Z');
      const moved = (await baton.instances.auditTrail(instance.id)).filter((event) => event.type === 'timer.moved');
      expect(moved.map((event) => event.data['reason'])).to.deep.equal(['calendar support changed', 'calendar support changed']);
      expect(moved.map((event) => event.actor)).to.deep.equal(['admin', 'admin']);
    }
    // and Wednesday 15:00 passes without an escalation; Thursday 15:00 escalates
    baton.clock.set(new Date('2026-12-02T14:30:00Z'));
    await baton.scheduler.tick();
    expect(await open(a.instance.id)).to.deep.equal(['l1']);
    baton.clock.set(new Date('2026-12-03T14:01:00Z'));
    await baton.scheduler.tick();
    expect(await open(a.instance.id)).to.deep.equal(['l2']);
  });

  it('a change whose recompute a restart cut short: the timer is moved when it wakes, not fired early (nothing lost)', async () => {
    // given a ticket due Wednesday 15:00, and the holiday written while Baton was down (no recompute ran)
    const { instance } = await baton.instances.start({ processKey: 'recomputed', variables: {}, businessKey: null }, 'api');
    await baton.store.calendars.upsert({ ...support, holidays: ['2026-12-01'] });
    baton = await baton.restart();
    // when the old due time passes
    baton.clock.set(new Date('2026-12-02T14:30:00Z'));
    await baton.scheduler.tick();
    // then the timers were moved to Thursday, not fired
    expect(await open(instance.id)).to.deep.equal(['l1']);
    const timers = await baton.store.timers.forInstance(instance.id);
    expect(timers.map((entry) => entry.dueAt)).to.include('2026-12-03T14:00:00.000Z');
    // and the escalation comes on Thursday
    baton.clock.set(new Date('2026-12-03T14:01:00Z'));
    await baton.scheduler.tick();
    expect(await open(instance.id)).to.deep.equal(['l2']);
  });
});
