import { expect } from 'chai';

import { readFileSync } from 'node:fs';

import { DEMO_CALENDAR_ID, demoCalendar } from '../../server/calendars/demo-calendar.js';
import { DEPARTMENTS_ON_OFFICE_HOURS } from '../../server/calendars/demo-departments.js';
import { ManualClock } from '../../server/clock.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const H = 3_600_000;
const lunch = [
  ['09:00', '13:00'],
  ['14:00', '18:00'],
] as [string, string][];
const NS = 'xmlns:baton="https://baton.example/schema/bpmn/1.0"';

/** L1 with a 20 h escalation and a 16 h warning counted in `calendar`, and a camunda:dueDate duration on L2. */
function escalating(calendar: string, processCalendar?: string): string {
  const timer = (duration: string) =>
    `<bpmn:timerEventDefinition baton:calendar="${calendar}"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${duration}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
  const properties = processCalendar ? `<bpmn:extensionElements><camunda:properties><camunda:property name="calendar" value="${processCalendar}" /></camunda:properties></bpmn:extensionElements>` : '';
  return bpmn(
    'business',
    `${properties}<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="l1_escalate" attachedToRef="l1">${timer('PT20H')}</bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="l1_warn" attachedToRef="l1" cancelActivity="false">${timer('PT16H')}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="l1_escalate" targetRef="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l1_warn" targetRef="warned" />
    <bpmn:endEvent id="warned" />
    <bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" camunda:dueDate="PT4H" />
    <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end" />
    <bpmn:endEvent id="end" />`,
  ).replace('<bpmn:definitions ', `<bpmn:definitions ${NS} `);
}

describe('Timers in business time', () => {
  // Friday 27 November 2026, 16:56 in Berlin
  const friday = new Date('2026-11-27T15:56:00Z');
  const server = useTestServer({ clock: new ManualClock(friday) });
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.calendars.create({ id: 'support', name: 'Support', timeZone: 'Europe/Berlin', week: { mon: lunch, tue: lunch, wed: lunch, thu: lunch, fri: lunch }, holidays: [], exceptions: [] });
    await baton.calendars.create({
      id: 'nights',
      name: 'Nights',
      timeZone: 'Europe/Berlin',
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]])),
      holidays: [],
      exceptions: [],
    });
  });

  async function start() {
    return baton.instances.start({ processKey: 'business', variables: {}, businessKey: null }, 'api');
  }

  it('escalates a ticket opened on Friday 16:56 after 20 working hours (Wednesday 11:56), warns at 16', async () => {
    // given the SLA counts in the Support calendar (8 working hours a day, lunch 13–14)
    await baton.definitions.deploy(escalating('support'));
    await baton.calendars.setDepartmentCalendar('l2', 'support');
    const { instance, opened } = await start();
    // then the task is due Wednesday 11:56 and warned Tuesday 16:56, not Saturday 12:56
    expect(opened[0]!.dueAt).to.equal('2026-12-02T10:56:00.000Z');
    expect(opened[0]!.warnAt).to.equal('2026-12-01T15:56:00.000Z');
    const timers = await baton.store.timers.forInstance(instance.id);
    expect(timers.map((timer) => timer.clock)).to.deep.include({ calendar: 'support', calendarId: 'support', remainingMs: 20 * H, from: friday.toISOString() });
    // when Saturday 12:56 comes (20 wall hours), then nothing fires
    baton.clock.set(new Date('2026-11-28T11:56:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['l1']);
    // when Wednesday 11:56 has passed, then the ticket is at L2, its dueDate 4 working hours of L2's calendar later
    baton.clock.set(new Date('2026-12-02T10:57:00Z'));
    await baton.scheduler.tick();
    const [l2] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
    expect(l2!.elementId).to.equal('l2');
    // 11:57 + 4 h of work with the lunch hour: 16:57 Berlin
    expect(l2!.dueAt).to.equal('2026-12-02T15:57:00.000Z');
  });

  it('keeps saved due times across a restart: nothing lost, nothing recomputed', async () => {
    await baton.definitions.deploy(escalating('support'));
    const { instance } = await start();
    const before = await baton.store.timers.forInstance(instance.id);
    // when Baton restarts on the same file and the clock passes Wednesday 11:56
    baton = await baton.restart();
    expect(await baton.store.timers.forInstance(instance.id)).to.deep.equal(before);
    baton.clock.set(new Date('2026-12-02T12:00:00Z'));
    await baton.scheduler.tick();
    // then the escalation fired once
    const trail = await baton.instances.auditTrail(instance.id);
    expect(trail.filter((event) => event.type === 'timer.fired' && event.elementId === 'l1_escalate')).to.have.length(1);
  });

  it('counts baton:calendar="department" in the calendar of the department the task went to', async () => {
    // given L1 works nights (24/7) and the timer names the department's calendar
    await baton.calendars.setDepartmentCalendar('l1', 'nights');
    await baton.definitions.deploy(escalating('department'));
    const { opened, instance } = await start();
    // then 20 h are wall hours, and the scheduled event says which calendar
    expect(new Date(opened[0]!.dueAt!).getTime() - friday.getTime()).to.equal(20 * H);
    const trail = await baton.instances.auditTrail(instance.id);
    expect(trail.find((event) => event.type === 'timer.scheduled' && event.elementId === 'l1_escalate')?.data).to.include({ calendar: 'nights' });
  });

  it("re-counts department timers in the new department's calendar after a pass-up", async () => {
    // given L1 works nights (24/7) and L2 support hours, and a ticket at L1 since Friday 16:56
    await baton.calendars.setDepartmentCalendar('l1', 'nights');
    await baton.calendars.setDepartmentCalendar('l2', 'support');
    await baton.definitions.deploy(escalating('department'));
    const { opened, instance } = await start();
    // when an hour later (1 h counted) it is passed up to L2
    baton.clock.set(new Date('2026-11-27T16:56:00Z'));
    const passed = await server.http.request('POST', `/api/tasks/${opened[0]!.id}/pass-up`, { reason: 'needs L2' });
    // then the ticket moves to L2's own step (L1's escalation timer fired now), so no timer of the
    // old level is left to take it back from L2
    expect(passed.status, passed.text).to.equal(200);
    expect((passed.body as { department: string }).department).to.equal('l2');
    const timers = await baton.store.timers.forInstance(instance.id);
    expect(timers.filter((timer) => timer.elementId.startsWith('l1'))).to.deep.equal([]);
  });

  it('falls back to the process calendar when the department has none, and to wall time without either', async () => {
    // given the process names Support as its default and L1 has no calendar
    await baton.definitions.deploy(escalating('department', 'support'));
    expect((await start()).opened[0]!.dueAt).to.equal('2026-12-02T10:56:00.000Z');
  });

  it('counts wall time without any calendar', async () => {
    await baton.definitions.deploy(escalating('department'));
    expect((await start()).opened[0]!.dueAt).to.equal(new Date(friday.getTime() + 20 * H).toISOString());
  });

  it('the shipped help-desk pyramid escalates after 20 working hours of the demo office calendar, warned at 16', async () => {
    // given the demo organisation's office calendar (Mon–Fri 09:00–18:00 Berlin) and a ticket passed to L1 on Friday 16:56
    await baton.calendars.create(demoCalendar(2026));
    for (const department of DEPARTMENTS_ON_OFFICE_HOURS) await baton.calendars.setDepartmentCalendar(department, DEMO_CALENDAR_ID);
    await baton.definitions.deploy(readFileSync('processes/helpdesk-escalation.bpmn', 'utf8'));
    const { instance, opened } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    await baton.tasks.complete(opened[0]!.id, { resolved: false }, 'staff');
    const [l1] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
    // then 9 working hours a day: 1:04 on Friday, 9 on Monday, 9 on Tuesday, the last 0:56 on Wednesday → 09:56
    expect(l1!.elementId).to.equal('Task_L1');
    expect(l1!.dueAt).to.equal('2026-12-02T08:56:00.000Z');
    // and the warning at 16 working hours: 1:04 + 9 + 5:56 → Tuesday 14:56
    expect(l1!.warnAt).to.equal('2026-12-01T13:56:00.000Z');
    // when the weekend passes nothing escalates; after Wednesday 09:56 it is at L2
    baton.clock.set(new Date('2026-11-30T07:00:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['Task_L1']);
    baton.clock.set(new Date('2026-12-02T09:00:00Z'));
    await baton.scheduler.tick();
    expect((await baton.tasks.list({ instanceId: instance.id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['Task_L2']);
  });

  it('refuses to deploy a timer naming an unknown calendar, naming the element', async () => {
    try {
      await baton.definitions.deploy(escalating('nowhere'));
      expect.fail('deployed');
    } catch (err) {
      const issues = (err as { issues: { elementId: string | null; message: string }[] }).issues;
      expect(issues.map((issue) => issue.elementId)).to.include('l1_escalate');
      expect(issues.map((issue) => issue.message).join(' ')).to.match(/nowhere/);
    }
  });
});
