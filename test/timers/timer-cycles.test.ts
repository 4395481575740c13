import { expect } from 'chai';

import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const DAY = 24 * 3600_000;

const REMINDERS = bpmn(
  'reminders',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:userTask id="wait" name="Waiting for the customer" camunda:candidateGroups="first-line" />
    <bpmn:boundaryEvent id="remind" attachedToRef="wait" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R3/P2D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="mail" />
    <bpmn:serviceTask id="mail" name="Remind the customer" camunda:type="external" camunda:topic="log"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="message">reminder for \${ticketNumber}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="mail" targetRef="reminded" />
    <bpmn:endEvent id="reminded" />
    <bpmn:boundaryEvent id="close" attachedToRef="wait"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P90D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="close" targetRef="closed" />
    <bpmn:endEvent id="closed" />
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="done" />
    <bpmn:endEvent id="done" />`,
);

describe('Repeating and long timers', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(REMINDERS);
  });

  async function reminders(instanceId: string): Promise<number> {
    return (await baton.instances.auditTrail(instanceId)).filter((event) => event.type === 'timer.fired' && event.elementId === 'remind').length;
  }

  it('repeats a cycle, fires missed repetitions once after a long outage, and stops after the last', async () => {
    // given a ticket waiting on the customer, reminded every 2 days, 3 times
    const { instance } = await baton.instances.start({ processKey: 'reminders', variables: {}, businessKey: null }, 'api');
    // when 2 days pass
    baton.clock.advance(2 * DAY + 1000);
    await baton.scheduler.tick();
    // then one reminder went out
    expect(await reminders(instance.id)).to.equal(1);
    // when Baton is down for 6 days (two repetitions missed) and comes back
    baton = await baton.restart();
    baton.clock.advance(6 * DAY);
    await baton.scheduler.tick();
    // then the missed repetitions fire once, not twice
    expect(await reminders(instance.id)).to.equal(2);
    // and the last repetition comes one interval later; then the cycle is over
    baton.clock.advance(2 * DAY + 1000);
    await baton.scheduler.tick();
    expect(await reminders(instance.id)).to.equal(3);
    baton.clock.advance(10 * DAY);
    await baton.scheduler.tick();
    expect(await reminders(instance.id)).to.equal(3);
    const view = await baton.instances.get(instance.id);
    expect(view.timers.map((timer) => timer.elementId)).to.deep.equal(['close']);
  });

  it('keeps a 90-day timer (longer than Node can arm) and fires it on the day', async () => {
    const { instance } = await baton.instances.start({ processKey: 'reminders', variables: {}, businessKey: null }, 'api');
    baton.clock.advance(89 * DAY);
    await baton.scheduler.tick();
    expect((await baton.instances.get(instance.id)).status).to.equal('running');
    baton = await baton.restart();
    baton.clock.advance(DAY + 1000);
    await baton.scheduler.tick();
    expect((await baton.instances.get(instance.id)).status).to.equal('completed');
  });
});
