import { expect } from 'chai';

import type { MigrationOutcome } from '../../server/operations/operations.service.js';
import { bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** v1: a → b; v2: a → b2 → c (b renamed, c added). */
const V1 = bpmn(
  'claims',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
   <bpmn:userTask id="a" name="Assess" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b" />
   <bpmn:userTask id="b" name="Pay" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e" />
   <bpmn:endEvent id="e" />`,
);
const V2 = bpmn(
  'claims',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
   <bpmn:userTask id="a" name="Assess" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b2" />
   <bpmn:userTask id="b2" name="Pay (checked)" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f3" sourceRef="b2" targetRef="c" />
   <bpmn:userTask id="c" name="Archive" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="e" />
   <bpmn:endEvent id="e" />`,
);

describe('Migrations (API)', () => {
  const server = useTestServer({ deploy: [V1] });

  async function startAt(elementId: 'a' | 'b'): Promise<string> {
    const { instance } = await server.baton.instances.start({ processKey: 'claims', variables: { amount: 10 }, businessKey: null }, 'api');
    if (elementId === 'b') {
      const [task] = await server.baton.tasks.list({ instanceId: instance.id, status: 'open' });
      await server.baton.tasks.complete(task!.id, {}, 'staff');
    }
    return instance.id;
  }

  async function open(instanceId: string): Promise<string[]> {
    return (await server.baton.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId);
  }

  async function finish(instanceId: string): Promise<string[]> {
    const done: string[] = [];
    for (let guard = 0; guard < 5; guard++) {
      const [task] = await server.baton.tasks.list({ instanceId, status: 'open' });
      if (!task) break;
      done.push(task.elementId);
      await server.baton.tasks.complete(task.id, {}, 'staff');
    }
    return done;
  }

  it('moves running instances to v2; one whose token sits where v2 has nothing is refused with why; the dry run equals the result', async () => {
    // given two instances at a and one at b (which v2 does not have), then v2 deployed
    const atA1 = await startAt('a');
    const atA2 = await startAt('a');
    const atB = await startAt('b');
    await server.baton.definitions.deploy(V2);
    const request = { processKey: 'claims', fromVersion: 1, toVersion: 2, reason: 'payment check added' };
    const before = await Promise.all([atA1, atA2, atB].map((id) => server.baton.store.instances.get(id)));

    // when a dry run is asked for
    const dry = (await server.http.request('POST', '/api/migrations', { ...request, dryRun: true })).body as MigrationOutcome;
    // then nothing changed and it names the refusal
    expect(await Promise.all([atA1, atA2, atB].map((id) => server.baton.store.instances.get(id)))).to.deep.equal(before);
    expect(dry.migrated).to.deep.equal([atA1, atA2]);
    expect(dry.refused).to.have.length(1);
    expect(dry.refused[0]!.instanceId).to.equal(atB);
    expect(dry.refused[0]!.reason).to.match(/a token waits at 'b' and version 2 has no activity 'b'/);

    // when it runs for real, in batches of one
    const res = await server.http.request('POST', '/api/migrations', { ...request, batchSize: 1 });
    expect(res.status, res.text).to.equal(200);
    const done = res.body as MigrationOutcome;
    // then the same instances moved, with the same previews
    expect({ ...done, dryRun: true }).to.deep.equal(dry);
    const migrated = await server.baton.instances.get(atA1);
    expect(migrated.definitionVersion).to.equal(2);
    expect(await open(atA1)).to.deep.equal(['a']);
    expect((await server.baton.instances.get(atB)).definitionVersion).to.equal(1);
    // and a migrated instance follows v2 to its end; the trail says so and verifies
    expect(await finish(atA1)).to.deep.equal(['a', 'b2', 'c']);
    expect((await server.baton.instances.get(atA1)).status).to.equal('completed');
    const trail = await server.baton.store.audit.forInstance(atA1);
    const event = trail.find((candidate) => candidate.type === 'instance.migrated');
    expect(event?.data).to.deep.include({ fromVersion: 1, toVersion: 2, reason: 'payment check added', intervention: true });
    expect(event?.definitionId).to.equal('claims:2');
    expect((await server.http.request('GET', `/api/instances/${atA1}/audit/verify`)).body).to.deep.include({ valid: true });
    const replay = (await server.http.request('GET', `/api/instances/${atA1}/replay`)).body as { definition: { version: number }; events: { type: string }[] };
    expect(replay.definition.version).to.equal(2);
    expect(replay.events.map((candidate) => candidate.type)).to.include('instance.migrated');
  });

  it('places a token with a mapping (b → b2) and migrates only the instances named', async () => {
    const atB = await startAt('b');
    const other = await startAt('b');
    await server.baton.definitions.deploy(V2);
    const res = await server.http.request('POST', '/api/migrations', { processKey: 'claims', fromVersion: 1, toVersion: 2, mapping: { b: 'b2' }, instanceIds: [atB], reason: 'renamed' });
    expect(res.status, res.text).to.equal(200);
    expect((res.body as MigrationOutcome).migrated).to.deep.equal([atB]);
    expect(await open(atB)).to.deep.equal(['b2']);
    expect((await server.baton.instances.get(other)).definitionVersion).to.equal(1);
    expect(await finish(atB)).to.deep.equal(['b2', 'c']);
    expect((await server.baton.instances.get(atB)).status).to.equal('completed');
  });

  it('refuses bad requests with 400/404 and changes nothing', async () => {
    const id = await startAt('a');
    const before = await server.baton.store.instances.get(id);
    expect((await server.http.request('POST', '/api/migrations', { processKey: 'claims', fromVersion: 1, toVersion: 2 })).status).to.equal(400);
    expect((await server.http.request('POST', '/api/migrations', { processKey: 'claims', fromVersion: 1, toVersion: 1, reason: 'r' })).status).to.equal(400);
    expect((await server.http.request('POST', '/api/migrations', { processKey: 'claims', fromVersion: 1, toVersion: 9, reason: 'r' })).status).to.equal(404);
    expect(await server.baton.store.instances.get(id)).to.deep.equal(before);
  });
});
