import { expect } from 'chai';

import { SourceCache } from '../../server/engine/bpmn-source.js';
import { VersionConflictError } from '../../server/errors.js';
import { InstanceRunner } from '../../server/instances/instance-runner.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import { removeDir, silentLogger, userTaskProcess, type TestBaton } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

describe('InstanceRunner.amend: a change of tasks racing a step on another node', () => {
  let baton: TestBaton;
  /** A second node on the same store: its own queue, so its steps race this node's. */
  let other: InstanceRunner;

  beforeEach(async () => {
    baton = (await startTestServer()).baton;
    other = new InstanceRunner({ store: baton.store, sources: new SourceCache(), clock: baton.clock, connectors: baton.connectors, logger: silentLogger });
    await baton.definitions.deploy(userTaskProcess('amended'));
  });

  afterEach(async () => {
    await baton.close();
    removeDir(baton.dir);
  });

  it('reloads and builds again when the other node committed a step meanwhile, like apply', async () => {
    // given a ticket waiting at its task
    const started = await baton.instances.start({ processKey: 'amended', variables: {}, businessKey: null }, 'api');
    const instanceId = started.instance.id;
    const task = started.opened[0]!;
    // when an amendment is being built on this node while the other node commits a step on the same ticket
    const seen: InstanceRecord[] = [];
    const amended = await baton.runner.amend(instanceId, async (instance) => {
      seen.push(instance);
      if (seen.length === 1) await other.apply(instanceId, { kind: 'annotate', event: { type: 'note.added', actor: 'other-node', data: {} }, actor: 'other-node' });
      return { tasks: [], audit: [{ type: 'task.commented', actor: 'alice', elementId: task.elementId, data: { taskId: task.id, comment: 'racing' } }] };
    });
    // then the first build lost the version race, and the amendment was built again on the fresh instance
    expect(seen.map((instance) => instance.version)).to.deep.equal([started.instance.version, started.instance.version + 1]);
    expect(amended.instance.version).to.equal(started.instance.version + 2);
    // and both changes are in one valid chain, the step's first
    const types = (await baton.instances.auditTrail(instanceId)).map((event) => event.type);
    expect(types.indexOf('note.added')).to.be.lessThan(types.indexOf('task.commented'));
    expect((await baton.audit.verify(instanceId)).valid).to.equal(true);
  });

  it('gives up after as many attempts as apply when it loses every time', async () => {
    const started = await baton.instances.start({ processKey: 'amended', variables: {}, businessKey: null }, 'api');
    const instanceId = started.instance.id;
    let builds = 0;
    // when the other node wins every race
    const error = await baton.runner
      .amend(instanceId, async () => {
        builds += 1;
        await other.apply(instanceId, { kind: 'annotate', event: { type: 'note.added', actor: 'other-node', data: {} }, actor: 'other-node' });
        return { tasks: [], audit: [{ type: 'note.added', actor: 'alice', data: {} }] };
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    // then the conflict reaches the caller (409) after three builds, and nothing of the amendment is saved
    expect(error).to.be.instanceOf(VersionConflictError);
    expect(builds).to.equal(3);
    const notes = (await baton.instances.auditTrail(instanceId)).filter((event) => event.type === 'note.added');
    expect(notes.map((event) => event.actor)).to.deep.equal(['other-node', 'other-node', 'other-node']);
  });
});
