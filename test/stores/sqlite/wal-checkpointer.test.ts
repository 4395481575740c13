import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { BACKSTOP_PAGES, WalCheckpointer } from '../../../server/stores/sqlite/wal-checkpointer.js';
import { openSqliteStore } from '../../../server/stores/sqlite/sqlite-store.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('WAL checkpoints in a worker thread', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let checkpointer: WalCheckpointer | null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-wal-'));
    file = join(dir, 'baton.db');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    checkpointer = null;
  });

  afterEach(async () => {
    await checkpointer?.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const writeRows = (n: number): void => {
    const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
    for (let i = 0; i < n; i++) insert.run('x'.repeat(2000));
  };

  it('given commits in the WAL, when the worker checkpoints, then every WAL page is in the database file and the rows read back', async () => {
    checkpointer = WalCheckpointer.start(db, file, { everyMs: 0 });
    writeRows(200);
    const before = statSync(file).size;

    const result = await checkpointer.checkpointNow();

    expect(result.log).to.be.greaterThan(50);
    expect(result.checkpointed).to.equal(result.log);
    expect(statSync(file).size).to.be.greaterThan(before);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).to.deep.equal({ n: 200 });
  });

  it('given the worker took the checkpoints over, then the connection keeps only the backstop: its commits leave the WAL alone', async () => {
    checkpointer = WalCheckpointer.start(db, file, { everyMs: 0 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(BACKSTOP_PAGES);

    writeRows(1500); // well past SQLite's default of 1,000 pages

    const result = await checkpointer.checkpointNow();
    expect(result.checkpointed).to.be.greaterThan(1000);
  });

  it('given a database file that is not there, when a checkpoint is asked for, then it fails with a message and close still ends the worker', async () => {
    checkpointer = WalCheckpointer.start(db, join(dir, 'missing.db'), { everyMs: 0 });

    const failure = await checkpointer.checkpointNow().then(
      () => null,
      (error: Error) => error,
    );

    expect(failure?.message).to.match(/^WAL checkpoint failed: .*(unable to open|no such file|directory does not exist)/i);
    expect(checkpointer.lastError).to.be.a('string');
    await checkpointer.close();
    await checkpointer.close();
  });

  it('given a store on a file, then it checkpoints in a worker; on :memory: it has none; closing removes the WAL', async () => {
    db.close();
    const store = openSqliteStore(join(dir, 'store.db'));
    const memory = openSqliteStore(':memory:');
    try {
      expect(store.checkpointer).to.be.instanceOf(WalCheckpointer);
      expect(memory.checkpointer).to.equal(null);
      await store.departments.upsert({ id: 'desk', name: 'Desk', parentId: null });
      expect(statSync(join(dir, 'store.db-wal')).size).to.be.greaterThan(0);
    } finally {
      await store.close();
      await memory.close();
    }
    expect(() => statSync(join(dir, 'store.db-wal'))).to.throw(/ENOENT/);
  });

  it('given a script whose only work is the store, when it closes the store, then the process waits for the worker and finishes its script', async () => {
    db.close();
    const code = [
      `const { openSqliteStore } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'server/stores/sqlite/sqlite-store.ts')).href)});`,
      `const store = openSqliteStore(${JSON.stringify(join(dir, 'script.db'))});`,
      "await store.departments.upsert({ id: 'desk', name: 'Desk', parentId: null });",
      'await store.close();',
      "console.log('closed');",
    ].join('\n');

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot });

    expect(stdout.trim()).to.equal('closed');
  });
});
