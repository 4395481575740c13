import { expect } from 'chai';

import { ConflictError } from '../../server/errors.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const SIMPLE = bpmn(
  'simple',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review the request" camunda:candidateGroups="first-line" camunda:priority="\${urgency}" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="approve"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${amount &gt; 100 &amp;&amp; approved == true}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end" />
    <bpmn:userTask id="approve" name="Approve" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f5" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const TIMED = bpmn(
  'timed',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work" name="Work" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT20H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="warn" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT16H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done" />
    <bpmn:endEvent id="done" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="work2" />
    <bpmn:userTask id="work2" name="Work (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="work2" targetRef="done2" />
    <bpmn:endEvent id="done2" />
    <bpmn:sequenceFlow id="f5" sourceRef="warn" targetRef="note" />
    <bpmn:serviceTask id="note" name="Warn" camunda:type="external" camunda:topic="log"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="message">4 hours left on \${ticketNumber}</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="f6" sourceRef="note" targetRef="warned" />
    <bpmn:endEvent id="warned" />`,
);

describe('InstanceRunner', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  it('runs start → user task → complete → end and saves every step', async () => {
    // given a deployed process
    await baton.definitions.deploy(SIMPLE);
    // when an instance starts
    const started = await baton.instances.start({ processKey: 'simple', variables: { urgency: 2 }, businessKey: null }, 'api');
    // then it waits at the first user task, routed to its department, with a ticket number
    expect(started.instance.ticketNumber).to.match(/^S-\d{6}$/);
    expect(started.opened).to.have.length(1);
    const [task] = started.opened;
    expect(task).to.include({ elementId: 'review', department: 'first-line', priority: 2, status: 'open' });

    // when the task is completed with data that takes the default flow
    await baton.tasks.complete(task!.id, { amount: 50, approved: true }, 'alice');
    // then the instance is completed, variables saved, task closed and the audit chain extended
    const view = await baton.instances.get(started.instance.id);
    expect(view.status).to.equal('completed');
    expect(view.variables).to.include({ amount: 50, approved: true, urgency: 2 });
    expect(view.openTasks).to.have.length(0);
    const closed = await baton.tasks.get(task!.id);
    expect(closed).to.include({ status: 'completed', completedBy: 'alice' });
    const audit = await baton.instances.auditTrail(started.instance.id);
    const types = audit.map((event) => event.type);
    expect(types[0]).to.equal('instance.started');
    expect(types).to.include.members(['task.created', 'task.completed', 'flow.taken', 'instance.completed']);
    expect(audit.map((event) => event.seq)).to.deep.equal(audit.map((_, i) => i + 1));
  });

  it('takes the conditional flow when the JUEL condition holds', async () => {
    // given an instance waiting at review
    await baton.definitions.deploy(SIMPLE);
    const { opened } = await baton.instances.start({ processKey: 'simple', variables: {}, businessKey: null }, 'api');
    // when completed with data that satisfies `amount > 100 && approved == true`
    await baton.tasks.complete(opened[0]!.id, { amount: 500, approved: true }, 'alice');
    // then the approval task opens in L2
    const open = await baton.tasks.list({ status: 'open' });
    expect(open.map((task) => [task.elementId, task.department])).to.deep.equal([['approve', 'l2']]);
  });

  it('refuses a second completion of the same task, also when both arrive at once', async () => {
    // given an instance waiting at review
    await baton.definitions.deploy(SIMPLE);
    const { opened } = await baton.instances.start({ processKey: 'simple', variables: {}, businessKey: null }, 'api');
    const taskId = opened[0]!.id;
    // when two completions race
    const results = await Promise.allSettled([baton.tasks.complete(taskId, { amount: 500, approved: true }, 'alice'), baton.tasks.complete(taskId, { amount: 1, approved: false }, 'bob')]);
    // then exactly one wins and the other gets a conflict; only one approval task exists
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).to.be.instanceOf(ConflictError);
    const open = await baton.tasks.list({ status: 'open' });
    expect(open).to.have.length(1);
  });

  it('keeps waiting instances out of memory and continues them after a restart', async () => {
    // given an instance waiting at review
    await baton.definitions.deploy(SIMPLE);
    const { instance, opened } = await baton.instances.start({ processKey: 'simple', variables: {}, businessKey: null }, 'api');
    // when Baton restarts on the same database
    baton = await baton.restart();
    // then the task can be completed and the instance goes on exactly where it stopped
    await baton.tasks.complete(opened[0]!.id, { amount: 500, approved: true }, 'alice');
    const view = await baton.instances.get(instance.id);
    expect(view.status).to.equal('running');
    expect(view.openTasks.map((task) => task.elementId)).to.deep.equal(['approve']);
  });

  it('escalates by an interrupting timer and warns by a non-interrupting one, on a controllable clock', async () => {
    // given a task with a 16 h warning and a 20 h escalation
    await baton.definitions.deploy(TIMED);
    const { instance } = await baton.instances.start({ processKey: 'timed', variables: {}, businessKey: null }, 'api');
    let view = await baton.instances.get(instance.id);
    expect(view.timers.map((timer) => timer.elementId).sort()).to.deep.equal(['escalate', 'warn']);

    // when 16 h pass
    baton.clock.advance(16 * 3600_000 + 1000);
    expect(await baton.scheduler.tick()).to.equal(1);
    // then the warning ran, the task is still with L1, and only the escalation is pending
    view = await baton.instances.get(instance.id);
    expect(view.openTasks.map((task) => task.elementId)).to.deep.equal(['work']);
    expect(view.timers.map((timer) => timer.elementId)).to.deep.equal(['escalate']);

    // when Baton restarts and 4 more hours pass
    baton = await baton.restart();
    baton.clock.advance(4 * 3600_000);
    expect(await baton.scheduler.tick()).to.equal(1);
    // then the L1 task was cancelled and the L2 task opened; no timer is left
    view = await baton.instances.get(instance.id);
    expect(view.openTasks.map((task) => [task.elementId, task.department])).to.deep.equal([['work2', 'l2']]);
    expect(view.timers).to.have.length(0);
    const trail = await baton.instances.auditTrail(instance.id);
    expect(trail.filter((event) => event.type === 'timer.fired').map((event) => event.elementId)).to.deep.equal(['warn', 'escalate']);
    expect(trail.filter((event) => event.type === 'timer.scheduled')).to.have.length(2);

    // when the same timer job runs again (at-least-once delivery)
    expect(await baton.scheduler.tick()).to.equal(0);
  });

  it('cancels a completed timer when the task finishes first', async () => {
    // given a timed task
    await baton.definitions.deploy(TIMED);
    const { instance, opened } = await baton.instances.start({ processKey: 'timed', variables: {}, businessKey: null }, 'api');
    // when the task completes before any timer
    await baton.tasks.complete(opened[0]!.id, {}, 'alice');
    // then the instance is done and no timer stays pending
    const view = await baton.instances.get(instance.id);
    expect(view.status).to.equal('completed');
    expect(view.timers).to.have.length(0);
    baton.clock.advance(30 * 3600_000);
    expect(await baton.scheduler.tick()).to.equal(0);
  });

  it('cancels an instance and tells it from a completion', async () => {
    // given a waiting instance
    await baton.definitions.deploy(TIMED);
    const { instance, opened } = await baton.instances.start({ processKey: 'timed', variables: {}, businessKey: null }, 'api');
    // when it is cancelled
    const view = await baton.instances.cancel(instance.id, 'customer withdrew', 'admin');
    // then it is cancelled, its task cancelled, its timers gone, and nothing more can happen to it
    expect(view.status).to.equal('cancelled');
    expect((await baton.tasks.get(opened[0]!.id)).status).to.equal('cancelled');
    expect(view.timers).to.have.length(0);
    let error: unknown;
    try {
      await baton.tasks.complete(opened[0]!.id, {}, 'alice');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConflictError);
  });
});
