import { expect } from 'chai';

import { nextCron } from '../../server/engine/cron-cycle.js';
import { nextStart } from '../../server/timers/start-schedule.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const MINUTE = 60_000;

/** A Camunda 7 diagram's Quartz cron cycle: a reminder every five minutes while the task waits. */
const CRON_REMINDERS = bpmn(
  'cronReminders',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:userTask id="wait" name="Waiting for the customer" camunda:candidateGroups="first-line" />
    <bpmn:boundaryEvent id="remind" attachedToRef="wait" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">0 0/5 * * * ?</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="reminded" />
    <bpmn:endEvent id="reminded" />
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="done" />
    <bpmn:endEvent id="done" />`,
);

describe('Cron timer cycles', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(CRON_REMINDERS);
  });

  async function fired(instanceId: string): Promise<string[]> {
    return (await baton.instances.auditTrail(instanceId)).filter((event) => event.type === 'timer.fired' && event.elementId === 'remind').map((event) => String(event.data['scheduledAt']));
  }

  async function pending(instanceId: string): Promise<string[]> {
    return (await baton.instances.get(instanceId)).timers.filter((timer) => timer.elementId === 'remind').map((timer) => timer.dueAt);
  }

  it("arms the next occurrence by Baton's clock, fires it, re-arms the one after, and survives a restart", async () => {
    // given a waiting task with a cron reminder
    const { instance } = await baton.instances.start({ processKey: 'cronReminders', variables: {}, businessKey: null }, 'api');
    const first = nextCron('0 0/5 * * * ?', baton.clock.now());
    // then the timer is due at the next five-minute mark
    expect(await pending(instance.id)).to.deep.equal([first.toISOString()]);
    // when that time comes
    baton.clock.set(new Date(first.getTime() + 1000));
    await baton.scheduler.tick();
    // then it fired once and the next mark is armed
    expect(await fired(instance.id)).to.deep.equal([first.toISOString()]);
    const second = new Date(first.getTime() + 5 * MINUTE);
    expect(await pending(instance.id)).to.deep.equal([second.toISOString()]);
    // when Baton restarts and the next mark passes
    baton = await baton.restart();
    baton.clock.set(new Date(second.getTime() + 1000));
    await baton.scheduler.tick();
    // then it fired again, and still repeats
    expect((await fired(instance.id)).length).to.equal(2);
    expect(await pending(instance.id)).to.have.length(1);
    // when the task is completed the cycle ends with it
    const [task] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
    await baton.tasks.complete(task!.id, {}, 'staff');
    expect((await baton.instances.get(instance.id)).status).to.equal('completed');
    expect(await pending(instance.id)).to.deep.equal([]);
  });

  it('schedules a process with a cron timer start event at every occurrence, without end', () => {
    const timer = { elementId: 'start', timerType: 'timeCycle' as const, value: '0 30 8 * * ?' };
    const after = new Date('2026-03-01T12:00:00Z');
    const next = nextStart(timer, after, 0);
    expect(next?.getTime()).to.equal(nextCron('0 30 8 * * ?', after).getTime());
    // the hundredth start still has a next one
    expect(nextStart(timer, next!, 100)).to.not.equal(null);
  });
});
