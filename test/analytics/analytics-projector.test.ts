import { expect } from 'chai';

import type { SqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { userTaskProcess, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

describe('AnalyticsProjector', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(userTaskProcess('tiny'));
  });

  const analytics = () => baton.store.analytics!;

  it('follows committed steps in the background, without a report asking', async () => {
    // given a started instance (a committed step)
    const { instance } = await baton.instances.start({ processKey: 'tiny', variables: {}, businessKey: null }, 'test');
    // when the projector has caught up by itself
    await baton.projector!.idle();
    // then the log is folded up to its end
    expect(await analytics().cursor()).to.deep.include({ valid: true, behind: 0 });
    expect((await analytics().dump())['analytics_instances']).to.have.length(1);
    expect(((await analytics().dump())['analytics_instances']![0] as { instance_id: string }).instance_id).to.equal(instance.id);
  });

  it('rebuilds from the log when the cursor no longer names its event (a renumbered log), to the same rows', async () => {
    // given a folded log
    await baton.instances.start({ processKey: 'tiny', variables: {}, businessKey: null }, 'test');
    await baton.instances.start({ processKey: 'tiny', variables: {}, businessKey: null }, 'test');
    await baton.projector!.catchUp();
    const before = await analytics().dump();
    // when the cursor's event is not the one it was set on (as after an import renumbered rowids)
    (baton.store as SqliteStore).db.prepare("UPDATE analytics_cursor SET instance_id = 'someone-else'").run();
    expect((await analytics().cursor()).valid).to.equal(false);
    // then the next catch-up refolds the whole log, counting nothing twice
    expect(await baton.projector!.catchUp()).to.be.greaterThan(0);
    expect(await analytics().dump()).to.deep.equal(before);
    expect((await analytics().cursor()).valid).to.equal(true);
  });

  it('misses nothing and counts nothing twice while steps commit between its runs', async () => {
    // given thirty tickets started and worked at once, with catch-ups racing them
    const work = Array.from({ length: 30 }, async (_, n) => {
      const { instance, opened } = await baton.instances.start({ processKey: 'tiny', variables: {}, businessKey: null }, 'test');
      if (n % 3 === 0) await baton.projector!.catchUp();
      if (n % 2 === 0) await baton.tasks.complete({ id: opened[0]!.id, instanceId: instance.id }, {}, 'ada');
    });
    await Promise.all([...work, baton.projector!.catchUp(), baton.projector!.catchUp()]);
    await baton.projector!.catchUp();
    // then every ticket is there once, the fifteen completed ones resolved once each
    const live = await analytics().dump();
    expect(live['analytics_instances']).to.have.length(30);
    const resolved = (live['analytics_actions'] as { kind: string }[]).filter((a) => a.kind === 'resolved');
    expect(resolved).to.have.length(15);
    // and folding the whole log again gives the same rows
    await baton.projector!.rebuild();
    expect(await analytics().dump()).to.deep.equal(live);
  });
});
