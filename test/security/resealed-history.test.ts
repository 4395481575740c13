import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';
import type { Database } from 'better-sqlite3';

import { hashEvent } from '../../server/audit/audit-chain.js';
import { readAnchor } from '../../server/audit/audit-anchor.js';
import type { AuditVerification } from '../../server/audit/audit-verify.js';
import { verifyStore } from '../../server/audit/store-verify.js';
import type { WitnessNotice } from '../../server/audit/audit-witness.js';
import type { AuditRow } from '../../server/stores/sqlite/sqlite-audit.store.js';
import { removeDir, testAuditKey, userTaskProcess, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { startTestServer, useTestServer } from '../support/test-server.js';

/** A witness endpoint on loopback that keeps what it was sent. */
async function witnessServer(): Promise<{ url: string; notices: WitnessNotice[]; close(): Promise<void> }> {
  const notices: WitnessNotice[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      notices.push(JSON.parse(body) as WitnessNotice);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/witness`, notices, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Re-sealed history: checkpoints form their own chain, guarded by the anchor and a witness (hole 1)', () => {
  let baton: TestBaton;
  let http: Http;
  let witness: Awaited<ReturnType<typeof witnessServer>>;
  let keysDir: string;
  let anchorFile: string;
  let instanceId: string;

  beforeEach(async () => {
    witness = await witnessServer();
    keysDir = mkdtempSync(path.join(tmpdir(), 'baton-keys-'));
    anchorFile = path.join(keysDir, 'audit-anchor.json');
  });
  const server = useTestServer(() => ({ auditAnchorFile: anchorFile, auditWitnessUrl: witness.url }));

  beforeEach(async () => {
    ({ baton, http } = server);
    await baton.definitions.deploy(userTaskProcess('guarded'));
    const { instance, opened } = await baton.instances.start({ processKey: 'guarded', variables: { amount: 10 }, businessKey: null }, 'api');
    await baton.tasks.complete(opened[0]!.id, { approved: true }, 'alice');
    instanceId = instance.id;
  });

  afterEach(async () => {
    await witness.close();
    removeDir(keysDir);
  });

  function db(): Database {
    return (baton.store as unknown as { db: Database }).db;
  }

  function rows(): AuditRow[] {
    return db().prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY seq').all(instanceId);
  }

  /** The insider's forgery: event 2's actor changed, every hash after it recomputed, the head rewound. */
  function rechain(): void {
    let prev = '';
    for (const row of rows()) {
      const actor = row.seq === 2 ? 'mallory' : row.actor;
      const event = { instanceId, seq: row.seq, type: row.type, at: row.at, actor, elementId: row.element_id, definitionId: row.definition_id, data: JSON.parse(row.data) as Record<string, unknown> };
      const prevHash = row.seq === 1 ? row.prev_hash : prev;
      const hash = hashEvent(prevHash, event);
      db().prepare('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE instance_id = ? AND seq = ?').run(actor, prevHash, hash, instanceId, row.seq);
      prev = hash;
    }
    const last = rows().at(-1)!;
    db().prepare('UPDATE instances SET audit_seq = ?, audit_hash = ? WHERE id = ?').run(last.seq, last.hash, instanceId);
  }

  async function verify(): Promise<AuditVerification> {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit/verify`);
    expect(res.status).to.equal(200);
    return res.body as AuditVerification;
  }

  it('without tampering: checkpoints are sealed, anchored and posted to the witness; verify and /health are fine', async () => {
    const checkpoint = await baton.checkpointer.checkpoint();
    expect(checkpoint).to.include({ id: 1 });
    expect(readAnchor(anchorFile)).to.deep.include({ id: 1, signature: checkpoint!.signature });
    await until(() => witness.notices.length > 0);
    expect(witness.notices[0]).to.deep.include({ type: 'audit.checkpoint' });
    expect((witness.notices[0] as { checkpoint: { signature: string } }).checkpoint.signature).to.equal(checkpoint!.signature);
    expect((await verify()).valid).to.equal(true);
    expect((await http.anonymous.request('GET', '/health')).body).to.deep.include({ status: 'ok' });
  });

  it('deleting every checkpoint and re-chaining an instance: verify fails, Baton refuses to re-seal, /health degraded, the witness is told', async () => {
    // given checkpoint 1 sealed the instance and the anchor recorded it
    const sealed = await baton.checkpointer.checkpoint();
    const anchorBefore = readFileSync(anchorFile, 'utf8');
    // when an insider with the database only deletes the checkpoints and re-chains the events
    db().exec('DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints;');
    rechain();
    // then the API verify names the removed checkpoints
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ kind: 'checkpoints-removed' });
    // and the replay badge says the same
    const replay = await http.request('GET', `/api/instances/${instanceId}/replay`);
    expect((replay.body as { verification: AuditVerification }).verification.valid).to.equal(false);
    // and the next checkpoint is refused: nothing sealed, the anchor untouched
    expect(await baton.checkpointer.checkpoint()).to.equal(null);
    expect(await baton.store.audit.checkpoints.latest()).to.equal(null);
    expect(readFileSync(anchorFile, 'utf8')).to.equal(anchorBefore);
    // and /health is degraded, naming the audit alarm; the witness got the alarm
    const health = await http.anonymous.request('GET', '/health');
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.include({ status: 'degraded' });
    expect((health.body as { problems: string[] }).problems.join(' ')).to.match(/audit: checkpoint 1 .* removed/);
    await until(() => witness.notices.some((notice) => notice.type === 'audit.alarm'));
    expect(witness.notices.find((notice) => notice.type === 'audit.alarm')).to.deep.include({ kind: 'checkpoints-removed' });
    // and the whole-store verify (npm run audit:verify) fails too
    const store = await verifyStore(baton.store.audit, baton.store.instances, baton.audit, testAuditKey, readAnchor(anchorFile));
    expect(store.valid).to.equal(false);
    expect(store.problems.map((problem) => problem.kind)).to.include('checkpoints-removed');
    expect(sealed).to.include({ id: 1 });
  });

  it('the alarm is raised at start when the anchor and the database disagree', async () => {
    await baton.checkpointer.checkpoint();
    db().exec('DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints;');
    baton = await baton.restart();
    http = server.http;
    baton.checkpointer.start();
    await until(() => baton.checkpointer.alarmText() !== null);
    expect(baton.checkpointer.alarmText()).to.match(/checkpoint 1 .* removed/);
    expect((await http.anonymous.request('GET', '/health')).body).to.deep.include({ status: 'degraded' });
  });

  it("removing one instance's seals and re-chaining it is found against the newest checkpoint", async () => {
    // given the instance's events are older than checkpoint 1 by more than the margin
    baton.clock.advance(120_000);
    await baton.checkpointer.checkpoint();
    // when its rows in the checkpoint's heads are deleted and its events re-chained
    db().prepare('DELETE FROM audit_checkpoint_heads WHERE instance_id = ?').run(instanceId);
    rechain();
    // then verify finds events no checkpoint sealed
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ kind: 'unsealed', seq: 1 });
  });

  it('a checkpoint deleted in the middle of the chain stops sealing and fails verify', async () => {
    for (let i = 0; i < 3; i++) {
      await baton.instances.start({ processKey: 'guarded', variables: { i }, businessKey: null }, 'api');
      await baton.checkpointer.checkpoint();
    }
    db().exec('DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 2; DELETE FROM audit_checkpoints WHERE id = 2;');
    await baton.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
    expect(await baton.checkpointer.checkpoint()).to.equal(null);
    expect((await verify()).firstInvalid).to.deep.include({ kind: 'checkpoints-removed' });
  });

  it('mails the checkpoint heads and the alarm to BATON_AUDIT_WITNESS_EMAIL', async () => {
    const mailedServer = await startTestServer({ auditAnchorFile: path.join(keysDir, 'mailed-anchor.json'), mail: true, auditWitnessEmail: 'witness@auditor.test' });
    const {
      baton: mailed,
      mail: { sink },
    } = mailedServer;
    try {
      await mailed.definitions.deploy(userTaskProcess('guarded'));
      await mailed.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
      const checkpoint = await mailed.checkpointer.checkpoint();
      await until(() => sink.received.length > 0);
      expect(sink.received[0]!.rcptTo).to.deep.equal(['witness@auditor.test']);
      expect(sink.received[0]!.headers.get('subject')).to.contain('Baton audit checkpoint 1');
      expect(sink.received[0]!.body).to.contain(checkpoint!.signature);
      const store = (mailed.store as unknown as { db: Database }).db;
      store.exec('DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints;');
      expect(await mailed.checkpointer.checkpoint()).to.equal(null);
      await until(() => sink.received.length > 1);
      expect(sink.received[1]!.headers.get('subject')).to.contain('BATON AUDIT ALARM');
    } finally {
      await mailedServer.close();
    }
  });
});
