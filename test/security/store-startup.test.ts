import { closeSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { StoreCorruptError } from '../../server/errors.js';
import { openSqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { runCli } from '../support/cli.js';
import { removeDir, userTaskProcess } from '../support/harness.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startTestServer } from '../support/test-server.js';

const PROCESSES_DIR = path.resolve('processes');

/** A closed store with some history, in a fresh data directory. */
async function storeWithHistory(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'baton-test-'));
  const { baton } = await startTestServer({ dir });
  await baton.definitions.deploy(userTaskProcess('guarded'));
  for (let i = 0; i < 30; i++) await baton.instances.start({ processKey: 'guarded', variables: { i, note: 'x'.repeat(2000) }, businessKey: null }, 'api');
  await baton.close();
  return dir;
}

/** Bad pages, as a failing disk leaves them: garbage over a page in the middle of the file. */
function damage(file: string): void {
  const size = statSync(file).size;
  const pageSize = 4096;
  const page = Math.floor(size / pageSize / 2);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
  } finally {
    closeSync(fd);
  }
}

describe('Store at start: a damaged file and a second process are refused in words (hole 7, lock file)', function () {
  this.timeout(90_000);
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    dirs.splice(0).forEach(removeDir);
  });

  it('refuses to open a damaged database, naming what SQLite found and the restore steps', async () => {
    const dir = await storeWithHistory();
    dirs.push(dir);
    const file = path.join(dir, 'baton.db');
    // given an intact store, the integrity check passes
    const sound = await runCli('integrity-check.ts', { BATON_DATA_DIR: dir });
    expect(sound.code, sound.stderr).to.equal(0);
    expect(sound.stdout).to.match(/OK/);
    // when a page in the middle of the file is overwritten
    damage(file);
    // then opening it is refused with the restore steps, not a store that answers 500 later
    let refused: unknown = null;
    try {
      const store = openSqliteStore(file);
      await store.close();
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(StoreCorruptError);
    expect((refused as Error).message)
      .to.match(/is damaged/)
      .and.match(/npm run import/)
      .and.match(/docs\/deploy\.md/);
    // and the integrity check says so in words, exit 1, without a stack trace
    const damaged = await runCli('integrity-check.ts', { BATON_DATA_DIR: dir });
    expect(damaged.code).to.equal(1);
    expect(damaged.stderr)
      .to.match(/is damaged/)
      .and.match(/To restore/);
    expect(damaged.stderr).not.to.match(/\n\s+at /);
    // and the audit CLI too
    const verify = await runCli('audit-verify.ts', { BATON_DATA_DIR: dir, BATON_AUDIT_KEY: 'baton-test-audit-key-0123456789abcdef' });
    expect(verify.code).to.equal(2);
    expect(verify.stderr).to.match(/is damaged/);
    expect(verify.stderr).not.to.match(/\n\s+at /);
  });

  it('the server refuses to start on a damaged database, and a second server on a data directory in use', async () => {
    // given a server running on a data directory
    const dir = mkdtempSync(path.join(tmpdir(), 'baton-lock-'));
    dirs.push(dir);
    const first = await startServerProcess({ dataDir: dir, processesDir: PROCESSES_DIR });
    servers.push(first);
    // when a second one is started on the same directory, it refuses, naming the directory
    const second = await startServerProcess({ dataDir: dir, processesDir: PROCESSES_DIR }).then(
      (server) => {
        servers.push(server);
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(second)
      .to.match(/Another Baton process is using the data directory/)
      .and.contain(dir);
    // and the first keeps running
    expect((await fetch(`${first.baseUrl}/health`)).status).to.equal(200);
    // when the first is killed (no clean shutdown), the lock goes with it: a new server starts
    first.kill('SIGKILL');
    await first.waitForExit();
    const third = await startServerProcess({ dataDir: dir, processesDir: PROCESSES_DIR });
    servers.push(third);
    third.kill('SIGTERM');
    await third.waitForExit();
    // when its database is then damaged, the next start is refused with the restore steps
    damage(path.join(dir, 'baton.db'));
    const corrupt = await startServerProcess({ dataDir: dir, processesDir: PROCESSES_DIR }).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(corrupt)
      .to.match(/is damaged/)
      .and.match(/To restore/);
  });
});
