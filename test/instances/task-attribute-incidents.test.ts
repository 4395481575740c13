import { expect } from 'chai';

import { IncidentRaisedError, InvalidInputError } from '../../server/errors.js';
import { bpmn, oneTaskProcess, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** Triage, then a task whose owner and due date come from the data triage gave. */
const HANDOFF = bpmn(
  'handoff',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:userTask id="triage" name="Triage" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="fix" />
    <bpmn:userTask id="fix" name="Fix" camunda:candidateGroups="l2" camunda:assignee="\${owner}" camunda:dueDate="= date and time(due)" />
    <bpmn:sequenceFlow id="f3" sourceRef="fix" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

describe('camunda:assignee and camunda:dueDate that fail raise an incident, not a task without them', () => {
  const server = useTestServer();
  let baton: TestBaton;
  beforeEach(() => {
    baton = server.baton;
  });

  async function completeTriage(output: Record<string, unknown>): Promise<{ instanceId: string; taskId: string; error: unknown }> {
    await baton.definitions.deploy(HANDOFF);
    const { instance, opened } = await baton.instances.start({ processKey: 'handoff', variables: {}, businessKey: null }, 'api');
    const taskId = opened[0]!.id;
    const error = await baton.tasks.complete(taskId, output, 'alice').then(
      () => null,
      (err: unknown) => err,
    );
    return { instanceId: instance.id, taskId, error };
  }

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['the assignee variable is missing', { due: '2030-01-01T10:00:00Z' }, /camunda:assignee "\$\{owner\}" gave no value/],
    ['the due date is missing', { owner: 'ada' }, /camunda:dueDate/],
    ['the due date is not a date', { owner: 'ada', due: 'next week' }, /camunda:dueDate/],
  ];
  for (const [when, output, message] of cases) {
    it(`${when}: the completion is refused with an incident on the task, and triage stays open`, async () => {
      const { instanceId, taskId, error } = await completeTriage(output);
      expect(error).to.be.instanceOf(IncidentRaisedError);
      const view = await baton.instances.get(instanceId);
      expect(view.openTasks.map((task) => task.id)).to.deep.equal([taskId]);
      expect(view.incidents).to.have.length(1);
      expect(view.incidents[0]).to.include({ status: 'open', kind: 'expression', elementId: 'fix' });
      expect(view.incidents[0]!.message).to.match(message);
    });
  }

  it('with both values the task opens assigned and due (the reverse path)', async () => {
    const { instanceId, error } = await completeTriage({ owner: 'ada', due: '2030-01-01T10:00:00Z' });
    expect(error).to.equal(null);
    const view = await baton.instances.get(instanceId);
    expect(view.openTasks.map((task) => [task.elementId, task.assignee, task.dueAt])).to.deep.equal([['fix', 'ada', '2030-01-01T10:00:00.000Z']]);
  });

  it('a start whose first task has no assignee value is refused (400), and nothing is stored', async () => {
    await baton.definitions.deploy(oneTaskProcess('owned', 'camunda:candidateGroups="l1" camunda:assignee="${owner}"'));
    const error = await baton.instances.start({ processKey: 'owned', variables: {}, businessKey: null }, 'api').then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).to.be.instanceOf(InvalidInputError);
    expect((error as Error).message).to.match(/assignee/);
    expect(await baton.store.instances.list({ limit: 10, offset: 0 })).to.deep.equal([]);
  });
});
