import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { runCli } from '../support/cli.js';
import { removeDir, testAuditKeySecret, userTaskProcess } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

describe('npm run export / npm run import', () => {
  let source = '';
  let work = '';

  before(async () => {
    // given a stopped Baton's data directory with a finished and a waiting ticket
    source = mkdtempSync(path.join(tmpdir(), 'baton-test-'));
    const { baton } = await startTestServer({ dir: source });
    await baton.definitions.deploy(userTaskProcess('moved'));
    const done = await baton.instances.start({ processKey: 'moved', variables: {}, businessKey: null }, 'api');
    await baton.tasks.complete(done.opened[0]!.id, {}, 'ada');
    await baton.instances.start({ processKey: 'moved', variables: {}, businessKey: null }, 'api');
    await baton.checkpointer.checkpoint();
    await baton.close();
    work = mkdtempSync(path.join(tmpdir(), 'baton-move-'));
  });

  after(() => {
    removeDir(source);
    removeDir(work);
  });

  const env = (dir: string) => ({ BATON_DATA_DIR: dir, BATON_AUDIT_KEY: testAuditKeySecret });

  it('moves a store to a new data directory whose audit trail verifies with the same key', async () => {
    const file = path.join(work, 'export.ndjson');
    // when the store is exported and imported into a new data directory
    const exported = await runCli('store-export.ts', env(source), [file]);
    expect(exported.code, exported.stderr).to.equal(0);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).to.include({ format: 'baton-export' });
    const target = path.join(work, 'moved');
    const imported = await runCli('store-import.ts', env(target), [file]);
    expect(imported.code, imported.stderr).to.equal(0);
    // then the whole store verifies there
    const verified = await runCli('audit-verify.ts', env(target));
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/instances\s+2/);
  });

  it('refuses to overwrite an export file, or to import into a store in use, and says why', async () => {
    const file = path.join(work, 'again.ndjson');
    expect((await runCli('store-export.ts', env(source), [file])).code).to.equal(0);
    const overwrite = await runCli('store-export.ts', env(source), [file]);
    expect(overwrite.code).to.equal(2);
    expect(overwrite.stderr).to.contain('exists');
    // the source is a store in use: importing into it is refused and it keeps its data
    const intoSource = await runCli('store-import.ts', env(source), [file]);
    expect(intoSource.code).to.equal(1);
    expect(intoSource.stderr).to.contain('not empty');
    expect((await runCli('audit-verify.ts', env(source))).code).to.equal(0);
    const missing = await runCli('store-import.ts', env(path.join(work, 'x')), [path.join(work, 'none.ndjson')]);
    expect(missing.code).to.equal(2);
    expect(existsSync(path.join(work, 'x'))).to.equal(false);
  });
});
