import { expect } from 'chai';

import type { SqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { removeDir, startTestBaton, userTaskProcess, type TestBaton } from '../support/harness.js';

describe('AnalyticsProjector', () => {
  let baton: TestBaton;

  beforeEach(async () => {
    baton = await startTestBaton();
    await baton.definitions.deploy(userTaskProcess('tiny'));
  });
  afterEach(async () => {
    await baton.close();
    removeDir(baton.dir);
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
});
