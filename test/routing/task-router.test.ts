import { expect } from 'chai';

import type { TaskRecord } from '../../server/tasks/task.js';
import { addUser, bpmn, oneTaskProcess } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const oneTask = oneTaskProcess;

describe('Routing a user task as it opens', () => {
  const t = useTestServer();

  async function open(xml: string, variables: Record<string, unknown> = {}): Promise<TaskRecord> {
    const { definition } = await t.baton.definitions.deploy(xml);
    const { opened } = await t.baton.instances.start({ processKey: definition.key, variables, businessKey: null }, 'test');
    return (await t.baton.store.tasks.get(opened[0]!.id))!;
  }

  it('takes the department from candidate groups and the owner from the assignee, recording why', async () => {
    const task = await open(oneTask('assigned', 'camunda:candidateGroups="l2" camunda:assignee="${owner}"'), { owner: 'ada' });
    expect(task).to.include({ department: 'l2', assignee: 'ada', version: 1 });
    expect(task.routingReason).to.match(/candidate group l2.*assignee/);
    expect(task.history).to.deep.equal([{ action: 'routed', at: task.createdAt, by: 'system', department: 'l2', assignee: 'ada', reason: task.routingReason }]);
    const created = (await t.baton.store.audit.forInstance(task.instanceId)).find((event) => event.type === 'task.created');
    expect(created!.data).to.include({ department: 'l2', assignee: 'ada', routing: task.routingReason });
  });

  it('takes the department from the lane, by department id or name', async () => {
    const laned = (laneName: string) =>
      bpmn(
        `laned${laneName.length}`,
        `<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="${laneName}"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
         <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
         <bpmn:userTask id="work" name="Work" /><bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" /><bpmn:endEvent id="end" />`,
      );
    expect((await open(laned('Payments'))).department).to.equal('payments');
    expect((await open(laned('Second line (L2)'))).department).to.equal('l2');
    // and a lane that names no department deploys with a warning
    const { definition } = await t.baton.definitions.deploy(laned('Night owls'));
    expect(definition.warnings.map((warning) => warning.message)).to.deep.equal(["Lane 'Night owls' is not a known department (by id or name); its tasks will wait in the unrouted queue"]);
  });

  it('round-robin gives each member a turn, least-loaded picks the freest, skills the one who can', async () => {
    // given three L1 staff; cy is the only one with the electrical skill
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    await addUser(t.baton, 'bob', 'staff', ['l1']);
    await addUser(t.baton, 'cy', 'staff', ['l1'], ['electrical']);
    // when four round-robin tasks open, one after the other
    const robin = oneTask('robin', 'camunda:candidateGroups="l1"', { assignment: 'round-robin' });
    const owners = [];
    for (let i = 0; i < 4; i++) {
      t.baton.clock.advance(1000);
      owners.push((await open(robin)).assignee);
    }
    // then each member had a turn before anyone had a second one
    expect(owners.slice(0, 3).sort()).to.deep.equal(['ada', 'bob', 'cy']);
    expect(owners[3]).to.equal(owners[0]);
    // and a least-loaded task goes to someone with the fewest open tasks (ada has two)
    const least = await open(oneTask('least', 'camunda:candidateGroups="l1"', { assignment: 'least-loaded' }));
    expect(least.assignee).to.be.oneOf(['bob', 'cy']);
    expect(least.routingReason).to.match(/least-loaded: (bob|cy) has the fewest open tasks \(1\)/);
    // and a skills task goes to the one with the skill
    const skilled = await open(oneTask('skilled', 'camunda:candidateGroups="l1"', { assignment: 'skills', requiredSkills: 'electrical' }));
    expect(skilled.assignee).to.equal('cy');
    // and nobody with a skill leaves it in the queue, saying so
    const nobody = await open(oneTask('nobody', 'camunda:candidateGroups="l1"', { assignment: 'skills', requiredSkills: 'plumbing' }));
    expect(nobody.assignee).to.equal(null);
    expect(nobody.routingReason).to.match(/nobody has plumbing/);
  });

  it('leaves a claim task in the queue, and never picks a disabled user', async () => {
    const ada = await addUser(t.baton, 'ada', 'staff', ['l1']);
    await addUser(t.baton, 'bob', 'staff', ['l1']);
    await t.baton.users.update(ada.id, { disabled: true });
    expect((await open(oneTask('claimed', 'camunda:candidateGroups="l1"'))).assignee).to.equal(null);
    for (let i = 0; i < 2; i++) expect((await open(oneTask(`rr${i}`, 'camunda:candidateGroups="l1"', { assignment: 'round-robin' }))).assignee).to.equal('bob');
  });

  describe('an unknown candidate group', () => {
    it('deploys with a warning; the task waits unrouted until the department exists', async () => {
      // when a process routes to a group that is no department
      const deployed = await t.http.request('POST', '/api/definitions', oneTask('night', 'camunda:candidateGroups="night-shift"'), { 'content-type': 'application/xml' });
      // then deploy warns and does not refuse
      expect(deployed.status).to.equal(201);
      expect(JSON.stringify((deployed.body as { warnings: unknown[] }).warnings)).to.match(/night-shift/);
      // and its task sits in the unrouted queue admins see
      const started = (await t.http.request('POST', '/api/instances', { processKey: 'night' })).body as { openTasks: { id: string }[] };
      const taskId = started.openTasks[0]!.id;
      const unrouted = async () => ((await t.http.request('GET', '/api/tasks/unrouted')).body as { id: string }[]).map((task) => task.id);
      expect(await unrouted()).to.deep.equal([taskId]);
      // when the department is created with a member
      expect((await t.http.request('POST', '/api/departments', { id: 'night-shift', name: 'Night shift' })).status).to.equal(201);
      await addUser(t.baton, 'owl', 'staff', ['night-shift']);
      // then the task is in its queue, no longer unrouted
      expect(await unrouted()).to.deep.equal([]);
      const owl = await t.http.as('owl');
      expect(((await owl.request('GET', '/api/tasks')).body as { id: string }[]).map((task) => task.id)).to.deep.equal([taskId]);
    });
  });
});
