import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/**
 * The engine computes a timer's expiry with the machine's Date. Baton's clock is set years before
 * the machine's here, so every timer below is overdue by the machine's Date from the start: only
 * Baton's clock and saved due times may decide when it fires.
 */
const BATON_NOW = new Date('2020-01-01T00:00:00.000Z');
const DUE = '2021-06-01T00:00:00.000Z';

const timeDate = (id: string, attachedTo?: string) =>
  `<bpmn:${attachedTo ? `boundaryEvent id="${id}" attachedToRef="${attachedTo}"` : `intermediateCatchEvent id="${id}"`}><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${DUE}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:${attachedTo ? 'boundaryEvent' : 'intermediateCatchEvent'}>`;

const WAIT = bpmn(
  'wait',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="until" />
    ${timeDate('until')}
    <bpmn:sequenceFlow id="f2" sourceRef="until" targetRef="work" />
    <bpmn:userTask id="work" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const PARALLEL = bpmn(
  'parallel',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="l1" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="note" />
    <bpmn:userTask id="l1" camunda:candidateGroups="l1" />
    ${timeDate('escalate', 'l1')}
    <bpmn:sequenceFlow id="f4" sourceRef="escalate" targetRef="l2" />
    <bpmn:userTask id="l2" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end2" />
    <bpmn:endEvent id="end2" />
    <bpmn:sequenceFlow id="f6" sourceRef="l1" targetRef="end1" />
    <bpmn:endEvent id="end1" />
    <bpmn:userTask id="note" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f7" sourceRef="note" targetRef="end3" />
    <bpmn:endEvent id="end3" />`,
);

describe('BatonTimerEventDefinition', () => {
  const server = useTestServer({ clock: new ManualClock(BATON_NOW) });
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(WAIT);
    await baton.definitions.deploy(PARALLEL);
  });

  const openTasks = async (instanceId: string) => (await baton.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId).sort();
  const firings = async (instanceId: string) => (await baton.instances.auditTrail(instanceId)).filter((event) => event.type === 'timer.fired');

  it('leaves a timer pending that the machine sees overdue but Baton’s clock does not', async () => {
    // given Baton's clock a year and a half before the timer's date, and the machine's years after
    // when an instance reaches the timer
    const { instance } = await baton.instances.start({ processKey: 'wait', variables: {}, businessKey: null }, 'api');
    // then it waits, with the timer pending at its date
    expect(await openTasks(instance.id)).to.deep.equal([]);
    expect((await baton.store.timers.forInstance(instance.id)).map((timer) => timer.dueAt)).to.deep.equal([DUE]);
    expect(await firings(instance.id)).to.have.length(0);
  });

  it('fires it when Baton’s clock reaches the date, with its bookkeeping', async () => {
    // given an instance waiting for the date
    const { instance } = await baton.instances.start({ processKey: 'wait', variables: {}, businessKey: null }, 'api');
    // when Baton's clock passes it (after a restart, so the timer is resumed from the saved state)
    baton = await baton.restart();
    baton.clock.set(new Date(Date.parse(DUE) + 1500));
    await baton.scheduler.tick();
    // then it fired once, recorded with its scheduled and actual times, and counted in the metrics
    expect(await openTasks(instance.id)).to.deep.equal(['work']);
    const fired = await firings(instance.id);
    expect(fired).to.have.length(1);
    expect(fired[0]!.data).to.include({ scheduledAt: DUE, firedAt: new Date(Date.parse(DUE) + 1500).toISOString() });
    expect((await baton.timers.metricsSnapshot()).fired).to.equal(1);
  });

  it('keeps a timer rescheduled to later when another step resumes the instance before then', async () => {
    // given an L1 task whose escalation an operator moved three months later
    const { instance } = await baton.instances.start({ processKey: 'parallel', variables: {}, businessKey: null }, 'api');
    const [timer] = await baton.store.timers.forInstance(instance.id);
    const later = new Date('2021-09-01T00:00:00.000Z');
    await baton.timers.reschedule(timer!.id, later, 'customer on holiday', 'api');
    // when, after the original date, another task of the instance is completed
    baton.clock.set(new Date('2021-07-01T00:00:00.000Z'));
    const note = (await baton.tasks.list({ instanceId: instance.id, status: 'open' })).find((task) => task.elementId === 'note');
    await baton.tasks.complete(note!.id, {}, 'api');
    // then the escalation has not fired and is still due at its new time
    expect(await openTasks(instance.id)).to.deep.equal(['l1']);
    expect((await baton.store.timers.forInstance(instance.id)).map((t) => t.dueAt)).to.deep.equal([later.toISOString()]);
    // and when the new time comes it escalates, recorded against the new time and the L1 task
    baton.clock.set(new Date(later.getTime() + 1000));
    await baton.scheduler.tick();
    expect(await openTasks(instance.id)).to.deep.equal(['l2']);
    expect((await firings(instance.id))[0]!.data).to.include({ scheduledAt: later.toISOString() });
    const l2 = (await baton.tasks.list({ instanceId: instance.id, status: 'open' }))[0]!;
    expect(l2.escalatedFrom).to.deep.include({ elementId: 'l1', timerElementId: 'escalate' });
  });
});
