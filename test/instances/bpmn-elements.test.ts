import { expect } from 'chai';

import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

/** Each supported BPMN element, run through the persisted runner with a restart in the middle. */
describe('Supported BPMN elements', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  async function run(xml: string, variables: Record<string, unknown> = {}, businessKey: string | null = null) {
    const { definition } = await baton.definitions.deploy(xml);
    const { instance } = await baton.instances.start({ processKey: definition.key, variables, businessKey }, 'api');
    return instance.id;
  }

  async function openElements(instanceId: string): Promise<string[]> {
    return (await baton.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId).sort();
  }

  async function completeOpen(instanceId: string, elementId: string, variables: Record<string, unknown> = {}) {
    const task = (await baton.tasks.list({ instanceId, status: 'open' })).find((t) => t.elementId === elementId);
    if (!task) throw new Error(`no open task ${elementId}`);
    await baton.tasks.complete(task.id, variables, 'staff');
  }

  async function status(instanceId: string) {
    return (await baton.instances.get(instanceId)).status;
  }

  it('routes a user task to its lane when it names no candidate group', async () => {
    const id = await run(
      bpmn(
        'laned',
        `<bpmn:laneSet id="ls"><bpmn:lane id="lane_pay" name="payments"><bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>t</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
        <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
        <bpmn:userTask id="t" name="Refund" camunda:candidateUsers="ana, ben" camunda:dueDate="2030-01-01T10:00:00Z" />
        <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
    );
    const [task] = await baton.tasks.list({ instanceId: id });
    expect(task).to.deep.include({ department: 'payments', candidateUsers: ['ana', 'ben'], dueAt: '2030-01-01T10:00:00.000Z' });
  });

  it('runs parallel and inclusive gateways, manual and plain tasks', async () => {
    const id = await run(
      bpmn(
        'gateways',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="split" />
        <bpmn:parallelGateway id="split" />
        <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="a" /><bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="b" />
        <bpmn:userTask id="a" camunda:candidateGroups="l1" /><bpmn:manualTask id="b" /><bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="join" />
        <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="join" /><bpmn:parallelGateway id="join" />
        <bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="inc" />
        <bpmn:inclusiveGateway id="inc" default="f8" />
        <bpmn:sequenceFlow id="f6" sourceRef="inc" targetRef="c"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f7" sourceRef="inc" targetRef="d"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${vip}</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f8" sourceRef="inc" targetRef="x" />
        <bpmn:userTask id="c" camunda:candidateGroups="l1" /><bpmn:userTask id="d" camunda:candidateGroups="l2" /><bpmn:task id="x" />
        <bpmn:sequenceFlow id="f9" sourceRef="c" targetRef="incjoin" /><bpmn:sequenceFlow id="f10" sourceRef="d" targetRef="incjoin" /><bpmn:sequenceFlow id="f11" sourceRef="x" targetRef="incjoin" />
        <bpmn:inclusiveGateway id="incjoin" /><bpmn:sequenceFlow id="f12" sourceRef="incjoin" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
      { amount: 50, vip: true },
    );
    expect(await openElements(id)).to.deep.equal(['a', 'b']);
    await completeOpen(id, 'b');
    baton = await baton.restart();
    await completeOpen(id, 'a');
    expect(await openElements(id)).to.deep.equal(['c', 'd']);
    await completeOpen(id, 'c');
    baton = await baton.restart();
    await completeOpen(id, 'd');
    expect(await status(id)).to.equal('completed');
  });

  it('catches a BPMN error thrown in a sub-process with an error boundary event', async () => {
    const id = await run(
      bpmn(
        'errors',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="sub" />
        <bpmn:subProcess id="sub">
          <bpmn:startEvent id="ss" /><bpmn:sequenceFlow id="sf0" sourceRef="ss" targetRef="check" />
          <bpmn:userTask id="check" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="sf1" sourceRef="check" targetRef="ok" />
          <bpmn:exclusiveGateway id="ok" default="sf3" />
          <bpmn:sequenceFlow id="sf2" sourceRef="ok" targetRef="fail"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=broken</bpmn:conditionExpression></bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="sf3" sourceRef="ok" targetRef="se" />
          <bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:endEvent><bpmn:endEvent id="se" />
        </bpmn:subProcess>
        <bpmn:boundaryEvent id="caught" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="sub" targetRef="e" /><bpmn:endEvent id="e" />
        <bpmn:sequenceFlow id="f2" sourceRef="caught" targetRef="repair" />
        <bpmn:userTask id="repair" camunda:candidateGroups="l2" /><bpmn:sequenceFlow id="f3" sourceRef="repair" targetRef="e2" /><bpmn:endEvent id="e2" />`,
        '<bpmn:error id="Err" name="Broken" errorCode="BROKEN" />',
      ),
    );
    baton = await baton.restart();
    await completeOpen(id, 'check', { broken: true });
    expect(await openElements(id)).to.deep.equal(['repair']);
    await completeOpen(id, 'repair');
    expect(await status(id)).to.equal('completed');
  });

  it('waits at an event-based gateway for a message or a timer, whichever comes first', async () => {
    const xml = bpmn(
      'race',
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="gw" />
      <bpmn:eventBasedGateway id="gw" />
      <bpmn:sequenceFlow id="f1" sourceRef="gw" targetRef="answer" /><bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="silence" />
      <bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="silence"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P7D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="f3" sourceRef="answer" targetRef="reply" /><bpmn:userTask id="reply" camunda:candidateGroups="first-line" />
      <bpmn:sequenceFlow id="f4" sourceRef="reply" targetRef="e1" /><bpmn:endEvent id="e1" />
      <bpmn:sequenceFlow id="f5" sourceRef="silence" targetRef="close" /><bpmn:endEvent id="close"><bpmn:terminateEventDefinition /></bpmn:endEvent>`,
      '<bpmn:message id="Msg" name="customer-replied" />',
    );
    const answered = await run(xml, {}, 'T-1');
    const silent = await run(xml, {}, 'T-2');
    baton = await baton.restart();
    // the customer of T-1 answers
    const result = await baton.messages.correlate({ name: 'customer-replied', businessKey: 'T-1', variables: { reply: 'it works again' } }, 'mail');
    expect(result.correlated.map((c) => c.instanceId)).to.deep.equal([answered]);
    expect(await openElements(answered)).to.deep.equal(['reply']);
    expect((await baton.instances.get(answered)).timers).to.deep.equal([]);
    // a week of silence closes T-2
    baton.clock.advance(7 * 24 * HOUR + 1000);
    expect(await baton.scheduler.tick()).to.equal(1);
    expect(await status(silent)).to.equal('completed');
    // the message of a closed ticket finds nobody
    let error: unknown;
    try {
      await baton.messages.correlate({ name: 'customer-replied', businessKey: 'T-2', variables: {} }, 'mail');
    } catch (err) {
      error = err;
    }
    expect(error).to.have.property('code', 'NOT_FOUND');
  });

  it('interrupts a task with a message boundary event and waits on an intermediate timer', async () => {
    const id = await run(
      bpmn(
        'withdraw',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="work" />
        <bpmn:userTask id="work" camunda:candidateGroups="l1" />
        <bpmn:boundaryEvent id="withdrawn" attachedToRef="work"><bpmn:messageEventDefinition messageRef="W" /></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
        <bpmn:sequenceFlow id="f2" sourceRef="withdrawn" targetRef="cool" />
        <bpmn:intermediateCatchEvent id="cool"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="cool" targetRef="e2" /><bpmn:endEvent id="e2" />`,
        '<bpmn:message id="W" name="withdrawn" />',
      ),
      {},
      'W-1',
    );
    await baton.messages.correlate({ name: 'withdrawn', businessKey: 'W-1', variables: {} }, 'portal');
    expect(await openElements(id)).to.deep.equal([]);
    const [task] = await baton.tasks.list({ instanceId: id });
    expect(task!.status).to.equal('cancelled');
    baton = await baton.restart();
    baton.clock.advance(HOUR + 1000);
    expect(await baton.scheduler.tick()).to.equal(1);
    expect(await status(id)).to.equal('completed');
  });

  it('starts a process by its message start event', async () => {
    await baton.definitions.deploy(
      bpmn(
        'by-message',
        `<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>
        <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="t" /><bpmn:userTask id="t" camunda:candidateGroups="payments" />
        <bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
        '<bpmn:message id="M" name="payment-reported" />',
      ),
    );
    const result = await baton.messages.correlate({ name: 'payment-reported', businessKey: 'PSP-1', variables: { amount: 9 } }, 'psp');
    expect(result.started).to.have.length(1);
    const view = await baton.instances.get(result.started[0]!.instanceId);
    expect(view.businessKey).to.equal('PSP-1');
    expect(view.variables).to.include({ amount: 9 });
    expect(view.openTasks.map((task) => task.elementId)).to.deep.equal(['t']);
  });

  it('holds an instance at its timer start event until the time comes', async () => {
    const id = await run(
      bpmn(
        'delayed',
        `<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=if priority = "high" then "PT1H" else "PT8H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="t" /><bpmn:userTask id="t" camunda:candidateGroups="l1" />
        <bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
      { priority: 'high' },
    );
    expect(await openElements(id)).to.deep.equal([]);
    const [timer] = (await baton.instances.get(id)).timers;
    expect(new Date(timer!.dueAt).getTime() - baton.clock.now().getTime()).to.equal(HOUR);
    baton = await baton.restart();
    baton.clock.advance(HOUR + 1000);
    expect(await baton.scheduler.tick()).to.equal(1);
    expect(await openElements(id)).to.deep.equal(['t']);
  });

  it('runs a call activity of a process in the same diagram', async () => {
    const id = await run(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://baton.test">
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call" />
    <bpmn:callActivity id="call" calledElement="callee" />
    <bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="after" /><bpmn:userTask id="after" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="after" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
  <bpmn:process id="callee" isExecutable="false">
    <bpmn:startEvent id="cs" /><bpmn:sequenceFlow id="cf0" sourceRef="cs" targetRef="inner" />
    <bpmn:userTask id="inner" camunda:candidateGroups="l2" /><bpmn:sequenceFlow id="cf1" sourceRef="inner" targetRef="ce" /><bpmn:endEvent id="ce" />
  </bpmn:process>
</bpmn:definitions>`,
    );
    expect(await openElements(id)).to.deep.equal(['inner']);
    baton = await baton.restart();
    await completeOpen(id, 'inner');
    expect(await openElements(id)).to.deep.equal(['after']);
    await completeOpen(id, 'after');
    expect(await status(id)).to.equal('completed');
  });
});
