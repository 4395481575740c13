import { expect } from 'chai';

import type { ResidentEnginesOptions } from '../../server/engine/resident-engines.js';
import { VersionConflictError } from '../../server/errors.js';
import type { AuditEvent } from '../../server/audit/audit-event.js';
import { bpmn, removeDir, type TestBaton } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

/** A task with an SLA warning and an escalation, a gateway after it, a parallel split: most of what a step can do. */
const DESK = bpmn(
  'desk',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work" name="Work" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT20H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="warn" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT16H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="warn" targetRef="warned" />
    <bpmn:endEvent id="warned" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="split"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${approved == true}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="end" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f6" sourceRef="split" targetRef="checkA" />
    <bpmn:sequenceFlow id="f7" sourceRef="split" targetRef="checkB" />
    <bpmn:userTask id="checkA" name="Check A" camunda:candidateGroups="l2" />
    <bpmn:userTask id="checkB" name="Check B" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f8" sourceRef="checkA" targetRef="join" />
    <bpmn:sequenceFlow id="f9" sourceRef="checkB" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f10" sourceRef="join" targetRef="end" />
    <bpmn:sequenceFlow id="f11" sourceRef="escalate" targetRef="work2" />
    <bpmn:userTask id="work2" name="Work (L2)" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f12" sourceRef="work2" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const ON: ResidentEnginesOptions = { maxEngines: 100, maxBytes: 64 * 1024 * 1024 };
const OFF: ResidentEnginesOptions = { maxEngines: 0, maxBytes: 0 };

/** The trail without what differs between two runs of the same story (ids, execution ids, hashes). */
function shape(events: AuditEvent[]): string[] {
  return events.map((event) => `${event.type} ${event.elementId ?? ''} ${event.actor}`);
}

async function openTask(baton: TestBaton, instanceId: string, elementId: string) {
  const tasks = await baton.store.tasks.list({ instanceId, status: 'open' });
  const task = tasks.find((candidate) => candidate.elementId === elementId);
  if (!task) throw new Error(`no open ${elementId} in ${tasks.map((t) => t.elementId).join(', ')}`);
  return task;
}

describe('Resident engines in the runner', () => {
  const batons: TestBaton[] = [];
  async function baton(residentEngines: ResidentEnginesOptions): Promise<TestBaton> {
    const started = (await startTestServer({ config: { residentEngines } })).baton;
    batons.push(started);
    await started.definitions.deploy(DESK);
    return started;
  }

  afterEach(async () => {
    for (const started of batons.splice(0)) {
      await started.close();
      removeDir(started.dir);
    }
  });

  /** start → 16 h warning fires → a claim → complete (approved) → both checks complete: ended. */
  async function story(subject: TestBaton): Promise<{ trail: string[]; variables: Record<string, unknown> }> {
    const started = await subject.instances.start({ processKey: 'desk', variables: { origin: 'phone' }, businessKey: null }, 'api');
    const id = started.instance.id;
    subject.clock.advance(16 * 3600_000 + 1000);
    expect(await subject.scheduler.tick()).to.equal(1);
    const work = await openTask(subject, id, 'work');
    await subject.runner.amend(id, (_instance, at) => ({
      tasks: [{ ...work, version: work.version + 1, assignee: 'ann', updatedAt: at }],
      audit: [{ type: 'task.claimed', actor: 'ann', elementId: 'work', data: { taskId: work.id } }],
    }));
    await subject.runner.apply(id, { kind: 'complete-task', taskId: work.id, output: { approved: true }, actor: 'ann' });
    for (const elementId of ['checkA', 'checkB']) {
      const check = await openTask(subject, id, elementId);
      await subject.runner.apply(id, { kind: 'complete-task', taskId: check.id, output: { [elementId]: 'ok' }, actor: 'bob' });
    }
    const instance = await subject.store.instances.get(id);
    expect(instance?.status).to.equal('completed');
    return { trail: shape(await subject.store.audit.forInstance(id)), variables: instance!.variables };
  }

  it('writes the same trail and variables whether the engine stayed in memory or was recovered at every step', async () => {
    // given one Baton keeping engines and one recovering every step
    const resident = await baton(ON);
    const recovering = await baton(OFF);
    // when both run the same story
    const kept = await story(resident);
    const recovered = await story(recovering);
    // then every step after the start continued the kept engine, and nothing tells the two apart
    expect(resident.runner.resident.hits).to.equal(4);
    expect(recovering.runner.resident.hits).to.equal(0);
    expect(kept.trail).to.deep.equal(recovered.trail);
    expect(kept.variables).to.deep.equal(recovered.variables);
  });

  it('recovers from the store when another node moved the instance meanwhile', async () => {
    // given two nodes on one database file, an instance started on the first (its engine kept there)
    const first = await baton(ON);
    const second = (await startTestServer({ dir: first.dir, clock: first.clock, config: { residentEngines: ON } })).baton;
    batons.push(second);
    const started = await first.instances.start({ processKey: 'desk', variables: {}, businessKey: null }, 'api');
    const id = started.instance.id;
    // when the second node completes the task (approved), and the first completes a check
    const work = await openTask(second, id, 'work');
    await second.runner.apply(id, { kind: 'complete-task', taskId: work.id, output: { approved: true }, actor: 'ann' });
    const check = await openTask(first, id, 'checkA');
    await first.runner.apply(id, { kind: 'complete-task', taskId: check.id, output: {}, actor: 'bob' });
    // then the first node did not continue its stale engine but recovered the stored state
    expect(first.runner.resident.hits).to.equal(0);
    const open = await first.store.tasks.list({ instanceId: id, status: 'open' });
    expect(open.map((task) => task.elementId)).to.deep.equal(['checkB']);
  });

  it('keeps no engine of a step that did not commit, so the next step starts from the stored state', async () => {
    // given an instance whose engine is kept, and a store that refuses the next commit once
    const subject = await baton(ON);
    const started = await subject.instances.start({ processKey: 'desk', variables: {}, businessKey: null }, 'api');
    const id = started.instance.id;
    const work = await openTask(subject, id, 'work');
    const commitStep = subject.store.commitStep.bind(subject.store);
    let refusals = 0;
    subject.store.commitStep = async (write) => {
      if (refusals++ < 3) throw new VersionConflictError('refused by the test');
      return commitStep(write);
    };
    // when completing the task fails (the runner retries three times, then gives up)
    let failure: unknown = null;
    await subject.runner.apply(id, { kind: 'complete-task', taskId: work.id, output: { approved: true }, actor: 'ann' }).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(VersionConflictError);
    // then the stored instance still waits at the task and no engine (advanced past it) is kept
    expect(subject.runner.resident.size).to.equal(0);
    expect((await openTask(subject, id, 'work')).id).to.equal(work.id);
    // and completing it again moves it on once: both checks open, one completion in the trail
    await subject.runner.apply(id, { kind: 'complete-task', taskId: work.id, output: { approved: true }, actor: 'ann' });
    const trail = await subject.store.audit.forInstance(id);
    expect(trail.filter((event) => event.type === 'task.completed')).to.have.length(1);
    const open = await subject.store.tasks.list({ instanceId: id, status: 'open' });
    expect(open.map((task) => task.elementId).sort()).to.deep.equal(['checkA', 'checkB']);
  });
});
