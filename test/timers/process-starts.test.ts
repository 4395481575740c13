import { expect } from 'chai';

import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

function morningCheck(cycle: string): string {
  return bpmn(
    'morning-check',
    `<bpmn:startEvent id="every_morning" name="Every morning"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="every_morning" targetRef="check" />
    <bpmn:userTask id="check" name="Check the overnight queue" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="e" /><bpmn:endEvent id="e" />`,
  );
}

describe('Processes that start themselves (timer start events)', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  async function instances(): Promise<number> {
    return (await baton.instances.list({ processKey: 'morning-check' })).length;
  }

  it('starts an instance every morning at 08:00 and each one goes straight to its first task', async () => {
    // given a process deployed with a daily 08:00 cycle
    await baton.definitions.deploy(morningCheck('R/2026-01-01T08:00:00Z/P1D'));
    const [schedule] = await baton.store.schedules.forProcess('morning-check');
    expect(new Date(schedule!.dueAt).getUTCHours()).to.equal(8);
    // when the clock reaches the next 08:00
    baton.clock.set(new Date(schedule!.dueAt));
    await baton.scheduler.tick();
    // then one instance started and waits at its task, not at the timer
    expect(await instances()).to.equal(1);
    const [task] = await baton.tasks.list({ processKey: 'morning-check', status: 'open' });
    expect(task?.elementId).to.equal('check');
    // and the next start is the following morning
    const [next] = await baton.store.schedules.forProcess('morning-check');
    expect(new Date(next!.dueAt).getTime() - new Date(schedule!.dueAt).getTime()).to.equal(DAY);
  });

  it('after an outage of three days starts once, then goes on at the next 08:00', async () => {
    await baton.definitions.deploy(morningCheck('R/2026-01-01T08:00:00Z/P1D'));
    const [schedule] = await baton.store.schedules.forProcess('morning-check');
    baton = await baton.restart();
    baton.clock.set(new Date(new Date(schedule!.dueAt).getTime() + 3 * DAY + 2 * HOUR));
    await baton.scheduler.tick();
    await baton.scheduler.tick();
    expect(await instances()).to.equal(1);
    const [next] = await baton.store.schedules.forProcess('morning-check');
    expect(new Date(next!.dueAt).getUTCHours()).to.equal(8);
    expect(new Date(next!.dueAt).getTime()).to.be.greaterThan(baton.clock.now().getTime());
  });

  it('stops a cycle after its repetitions and keeps the count across a redeploy of the same timer', async () => {
    await baton.definitions.deploy(morningCheck('R2/PT1H'));
    baton.clock.advance(HOUR + 1000);
    await baton.scheduler.tick();
    // a redeploy with a changed task name but the same timer keeps the schedule's count
    await baton.definitions.deploy(morningCheck('R2/PT1H').replace('Check the overnight queue', 'Check the queue'));
    baton.clock.advance(HOUR + 1000);
    await baton.scheduler.tick();
    baton.clock.advance(HOUR + 1000);
    await baton.scheduler.tick();
    expect(await instances()).to.equal(2);
    expect(await baton.store.schedules.forProcess('morning-check')).to.deep.equal([]);
    const versions = (await baton.instances.list({ processKey: 'morning-check' })).map((instance) => instance.definitionVersion).sort();
    expect(versions).to.deep.equal([1, 2]);
  });

  it('drops the schedule when a new version has no timer start event', async () => {
    await baton.definitions.deploy(morningCheck('R/PT1H'));
    expect(await baton.store.schedules.forProcess('morning-check')).to.have.length(1);
    await baton.definitions.deploy(
      bpmn(
        'morning-check',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="check" />
        <bpmn:userTask id="check" camunda:candidateGroups="first-line" /><bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
    );
    expect(await baton.store.schedules.forProcess('morning-check')).to.deep.equal([]);
  });
});
