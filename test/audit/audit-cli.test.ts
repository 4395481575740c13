import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { expect } from 'chai';

import { runCli, type CliRun } from '../support/cli.js';
import { removeDir, testAuditKeySecret, userTaskProcess, type TestBaton } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

const PROCESS = userTaskProcess('cli');

/** `npm run audit:verify`. */
const runVerify = (env: Record<string, string>, args: string[] = []): Promise<CliRun> => runCli('audit-verify.ts', env, args);

describe('npm run audit:verify (the whole store)', () => {
  let baton: TestBaton;
  let ids: string[];

  before(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'baton-cli-store-'));
    // the anchor where the CLI looks for it by default: beside the default key file
    ({ baton } = await startTestServer({ dir, auditAnchorFile: path.join(`${dir}-keys`, 'audit-anchor.json') }));
    await baton.definitions.deploy(PROCESS);
    ids = [];
    for (let i = 0; i < 3; i++) {
      const { instance, opened } = await baton.instances.start({ processKey: 'cli', variables: { i }, businessKey: null }, 'api');
      ids.push(instance.id);
      if (i < 2) await baton.tasks.complete(opened[0]!.id, {}, 'ada');
      // one checkpoint after each instance: three checkpoints, linked
      await baton.checkpointer.checkpoint();
    }
    await baton.close();
  });

  after(() => {
    removeDir(baton.dir);
    removeDir(`${baton.dir}-keys`);
  });

  const env = (dir = baton.dir) => ({ BATON_DATA_DIR: dir, BATON_AUDIT_KEY: testAuditKeySecret });
  const copies: string[] = [];
  after(() => copies.forEach(removeDir));

  /** A copy of the store for one tampering, opened as an insider with the file would. */
  function tamperedCopy(tamper: (db: Database.Database) => void): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'baton-cli-'));
    copies.push(dir, `${dir}-keys`);
    cpSync(`${baton.dir}-keys`, `${dir}-keys`, { recursive: true });
    for (const suffix of ['', '-wal']) {
      const file = path.join(baton.dir, `baton.db${suffix}`);
      if (existsSync(file)) copyFileSync(file, path.join(dir, `baton.db${suffix}`));
    }
    const db = new Database(path.join(dir, 'baton.db'));
    try {
      tamper(db);
    } finally {
      db.close();
    }
    return dir;
  }

  it('exits 0 and reports the counts when everything verifies', async () => {
    const run = await runVerify(env());
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout)
      .to.match(/instances +3/)
      .and.match(/checkpoints 3/)
      .and.contain('OK: every chain and every checkpoint verifies');
  });

  it('exits 1 naming the instance and event that was changed, and a checkpoint removed', async () => {
    const dir = tamperedCopy((db) => {
      db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE instance_id = ? AND seq = 2").run(ids[1]);
      db.prepare('DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 2').run();
      db.prepare('DELETE FROM audit_checkpoints WHERE id = 2').run();
    });
    const run = await runVerify(env(dir), ['--json']);
    expect(run.code, run.stderr).to.equal(1);
    const result = JSON.parse(run.stdout) as { valid: boolean; problems: { instanceId: string | null; seq: number | null; kind: string; reason: string }[] };
    expect(result.valid).to.equal(false);
    expect(result.problems).to.deep.include({ instanceId: ids[1], checkpointId: null, seq: 2, kind: 'hash-mismatch', reason: 'event 2 was changed: its content does not match its hash' });
    expect(result.problems.map((problem) => problem.reason)).to.include('checkpoint 2 is missing (the next one is 3)');
  });

  it('exits 1 when the newest checkpoint and the events it sealed were removed (the anchor outside the database)', async () => {
    const anchor = JSON.parse(readFileSync(path.join(`${baton.dir}-keys`, 'audit-anchor.json'), 'utf8')) as { id: number };
    expect(anchor.id).to.equal(3);
    const dir = tamperedCopy((db) => {
      // the insider removes checkpoint 3, the instance it sealed, and every trace of them
      db.pragma('foreign_keys = OFF');
      db.prepare('DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 3').run();
      db.prepare('DELETE FROM audit_checkpoints WHERE id = 3').run();
      for (const table of ['audit_events', 'tasks', 'agenda_jobs']) db.prepare(`DELETE FROM ${table} WHERE instance_id = ?`).run(ids[2]);
      db.prepare('DELETE FROM instances WHERE id = ?').run(ids[2]);
    });
    const run = await runVerify(env(dir));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('[checkpoints-removed] checkpoint 3').and.not.contain('missing-instance');
  });

  it('exits 1 naming a stored variable that its intact log does not explain (state checked against the log)', async () => {
    const dir = tamperedCopy((db) => {
      db.prepare(`UPDATE instances SET variables = json_set(variables, '$.i', 99) WHERE id = ?`).run(ids[0]);
    });
    const run = await runVerify(env(dir));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain(`instance ${ids[0]}`).and.contain("[state-mismatch] variable 'i' is stored as 99, but its log says 0");
  });

  it('exits 1 when a sealed instance was deleted outright', async () => {
    const dir = tamperedCopy((db) => {
      db.pragma('foreign_keys = OFF');
      db.prepare('DELETE FROM audit_events WHERE instance_id = ?').run(ids[0]);
      db.prepare('DELETE FROM tasks WHERE instance_id = ?').run(ids[0]);
      db.prepare('DELETE FROM instances WHERE id = ?').run(ids[0]);
    });
    const run = await runVerify(env(dir));
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain(`instance ${ids[0]}: [missing-instance]`);
  });

  it('exits 1 with another key: every checkpoint looks forged', async () => {
    const run = await runVerify({ BATON_DATA_DIR: baton.dir, BATON_AUDIT_KEY: 'another-key-another-key-another-key!' });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('was signed with another key');
  });

  it('exits 2 without a key or without a database, and never generates a key', async () => {
    const noKey = await runVerify({ BATON_DATA_DIR: baton.dir });
    expect(noKey.code).to.equal(2);
    expect(noKey.stderr).to.contain('no audit key');
    const noDb = await runVerify({ BATON_DATA_DIR: path.join(baton.dir, 'nowhere'), BATON_AUDIT_KEY: testAuditKeySecret });
    expect(noDb.code).to.equal(2);
    expect(noDb.stderr).to.contain('no database');
  });
});
