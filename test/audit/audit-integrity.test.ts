import { expect } from 'chai';

import { hashEvent } from '../../server/audit/audit-chain.js';
import type { AuditVerification } from '../../server/audit/audit-verify.js';
import type { AuditRow } from '../../server/stores/sqlite/sqlite-audit.store.js';
import { userTaskProcess, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const PROCESS = userTaskProcess('guarded');

/**
 * The must-show tampering cases, done the way an insider would: straight in the SQLite file,
 * then asked through the HTTP API.
 */
describe('Audit trail integrity: tampering found through the chain and the signed checkpoints', () => {
  const server = useTestServer();
  let baton: TestBaton;
  let http: Http;
  let instanceId: string;

  beforeEach(async () => {
    baton = server.baton;
    http = server.http;
    await baton.definitions.deploy(PROCESS);
    const { instance, opened } = await baton.instances.start({ processKey: 'guarded', variables: { amount: 10 }, businessKey: null }, 'api');
    await baton.tasks.complete(opened[0]!.id, { ok: true }, 'alice');
    instanceId = instance.id;
  });

  function db() {
    return (baton.store as unknown as { db: import('better-sqlite3').Database }).db;
  }

  function rows(): AuditRow[] {
    return db().prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY seq').all(instanceId);
  }

  /** What a careful insider does after deleting events: point the instance row at the new last event. */
  function rewindHead(): void {
    const last = rows().at(-1)!;
    db().prepare('UPDATE instances SET audit_seq = ?, audit_hash = ? WHERE id = ?').run(last.seq, last.hash, instanceId);
  }

  async function verify(): Promise<AuditVerification> {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit/verify`);
    expect(res.status).to.equal(200);
    return res.body as AuditVerification;
  }

  it('answers valid, naming the checkpoint that sealed the chain', async () => {
    const checkpoint = await baton.checkpointer.checkpoint();
    const result = await verify();
    expect(result).to.deep.include({ valid: true, firstInvalid: null });
    expect(result.checkpoint).to.deep.equal({ id: checkpoint!.id, at: checkpoint!.at, seq: rows().length });
  });

  it('names the one event whose field was changed in SQLite', async () => {
    // when one field of event 3 is changed directly in SQLite
    db().prepare("UPDATE audit_events SET actor = 'mallory' WHERE instance_id = ? AND seq = 3").run(instanceId);
    // then verify names event 3 and says why
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ seq: 3, kind: 'hash-mismatch' });
  });

  it('detects the last events deleted (and the head rewound) only through the checkpoint', async () => {
    const total = rows().length;
    // given a checkpoint sealed the whole chain, and events past it
    await baton.checkpointer.checkpoint();
    // when the last three events are deleted and the instance row is made to agree
    db()
      .prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > ?')
      .run(instanceId, total - 3);
    rewindHead();
    // then the chain itself is consistent, but the checkpoint still knows how long it was
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ seq: total - 2, kind: 'truncated' });
    expect(result.firstInvalid?.reason).to.match(/checkpoint 1 .* sealed event \d+, but the log ends at event \d+/);
  });

  it('detects the last events deleted when the instance row was left alone', async () => {
    const total = rows().length;
    db()
      .prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > ?')
      .run(instanceId, total - 2);
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ seq: total - 1, kind: 'truncated' });
  });

  it('without a checkpoint, finds the same deletion only through the stored state, which the shortened log no longer explains', async () => {
    const total = rows().length;
    db()
      .prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > ?')
      .run(instanceId, total - 3);
    rewindHead();
    // the chain alone is consistent; the instance's stored tasks and status are what give it away
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ kind: 'state-mismatch' });
  });

  it('names an edited variable, and an edited owner, though the log is intact (state checked against the log)', async () => {
    // when a stored variable is edited in SQLite
    db().prepare(`UPDATE instances SET variables = json_set(variables, '$.amount', 10000) WHERE id = ?`).run(instanceId);
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ kind: 'state-mismatch' });
    expect(result.firstInvalid?.reason).to.equal("variable 'amount' is stored as 10000, but its log says 10");
    // (a fresh instance) when an open task's owner is edited in SQLite
    const { instance, opened } = await baton.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
    instanceId = instance.id;
    expect((await verify()).valid).to.equal(true);
    db().prepare("UPDATE tasks SET assignee = 'mallory' WHERE id = ?").run(opened[0]!.id);
    const owner = await verify();
    expect(owner.firstInvalid).to.deep.include({ kind: 'state-mismatch' });
    expect(owner.firstInvalid?.reason).to.match(/owned by mallory, but its log says nobody/);
  });

  it('detects an event deleted from the middle, and a hash column rewritten', async () => {
    db().prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq = 3').run(instanceId);
    expect((await verify()).firstInvalid).to.deep.include({ seq: 3, kind: 'sequence-gap' });
    // (a fresh trail) an edited event whose hash was recomputed breaks the next event's link
    const { instance, opened } = await baton.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
    await baton.tasks.complete(opened[0]!.id, {}, 'alice');
    instanceId = instance.id;
    db().prepare('UPDATE audit_events SET hash = ? WHERE instance_id = ? AND seq = 2').run('f'.repeat(64), instanceId);
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ seq: 2, kind: 'hash-mismatch' });
    const row = rows()[1]!;
    const event = {
      instanceId,
      seq: 2,
      type: row.type,
      at: row.at,
      actor: 'mallory',
      elementId: row.element_id,
      definitionId: row.definition_id,
      data: JSON.parse(row.data) as Record<string, unknown>,
    };
    db().prepare("UPDATE audit_events SET actor = 'mallory', hash = ? WHERE instance_id = ? AND seq = 2").run(hashEvent(row.prev_hash, event), instanceId);
    expect((await verify()).firstInvalid).to.deep.include({ seq: 3, kind: 'broken-link' });
  });

  it("detects a __proto__ key inserted into an event's data (it used to escape the canonical JSON)", async () => {
    // when an insider adds a "__proto__" object to the data of event 2, leaving the hash alone
    const row = rows()[1]!;
    const data = row.data.replace(/^\{/, '{"__proto__":{"approvedBy":"mallory"},');
    db().prepare('UPDATE audit_events SET data = ? WHERE instance_id = ? AND seq = 2').run(data, instanceId);
    // then verify names event 2, and the export shows what was injected
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ seq: 2, kind: 'hash-mismatch' });
    const trail = await http.request('GET', `/api/instances/${instanceId}/audit`);
    expect(trail.text).to.contain('mallory');
  });

  it('detects two events swapped', async () => {
    // when events 3 and 4 trade places (their seq numbers are swapped)
    db().transaction(() => {
      db().prepare('UPDATE audit_events SET seq = -1 WHERE instance_id = ? AND seq = 3').run(instanceId);
      db().prepare('UPDATE audit_events SET seq = 3 WHERE instance_id = ? AND seq = 4').run(instanceId);
      db().prepare('UPDATE audit_events SET seq = 4 WHERE instance_id = ? AND seq = -1').run(instanceId);
    })();
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ seq: 3, kind: 'reordered' });
  });

  it('detects a whole chain rewritten with fresh hashes through the checkpoint', async () => {
    await baton.checkpointer.checkpoint();
    // when the insider edits event 2 and recomputes every hash after it, and the head
    let prev = '';
    for (const row of rows()) {
      const actor = row.seq === 2 ? 'mallory' : row.actor;
      const event = { instanceId, seq: row.seq, type: row.type, at: row.at, actor, elementId: row.element_id, definitionId: row.definition_id, data: JSON.parse(row.data) as Record<string, unknown> };
      const prevHash = row.seq === 1 ? row.prev_hash : prev;
      const hash = hashEvent(prevHash, event);
      db().prepare('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE instance_id = ? AND seq = ?').run(actor, prevHash, hash, instanceId, row.seq);
      prev = hash;
    }
    rewindHead();
    // then the chain is self-consistent, but not the one the checkpoint signed
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ kind: 'checkpoint-mismatch', seq: rows().length });
  });

  it('detects a checkpoint whose sealed head was edited', async () => {
    await baton.checkpointer.checkpoint();
    db().prepare('UPDATE audit_checkpoint_heads SET seq = seq - 1 WHERE instance_id = ?').run(instanceId);
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ kind: 'checkpoint-signature-invalid' });
  });

  it('answers (never throws) when a stored event is no longer JSON', async () => {
    db().prepare("UPDATE audit_events SET data = '{broken' WHERE instance_id = ? AND seq = 2").run(instanceId);
    const result = await verify();
    expect(result.firstInvalid).to.deep.include({ seq: 2, kind: 'hash-mismatch' });
    const trail = await http.request('GET', `/api/instances/${instanceId}/audit`);
    expect(trail.status).to.equal(200);
  });

  it('checkpoints on the interval of the injected clock, and on shutdown', async () => {
    // given the test Baton's 60 s interval
    // when less than the interval has passed, a tick writes nothing
    expect(await baton.checkpointer.tick()).to.equal(null);
    // when the clock passes the interval, a tick seals the heads
    baton.clock.advance(60_000);
    const first = await baton.checkpointer.tick();
    expect(first).to.include({ id: 1, headCount: 1 });
    // when nothing happened since, even a due tick writes nothing
    baton.clock.advance(60_000);
    expect(await baton.checkpointer.tick()).to.equal(null);
    // when a new instance runs and Baton shuts down, the shutdown seals it
    await baton.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
    const restarted = await baton.restart();
    baton = restarted;
    http = server.http;
    const latest = await baton.store.audit.checkpoints.latest();
    expect(latest).to.include({ id: 2, headCount: 1 });
    // and after the restart (same key) the first instance still verifies against checkpoint 1
    expect((await verify()).valid).to.equal(true);
  });

  describe('bad input', () => {
    it('answers 404 for an unknown instance on every audit route', async () => {
      for (const path of ['/audit', '/audit?format=csv', '/audit/verify', '/replay']) {
        const res = await http.request('GET', `/api/instances/nope${path}`);
        expect(res.status, path).to.equal(404);
        expect((res.body as { error: { code: string } }).error.code).to.equal('NOT_FOUND');
      }
    });

    it('answers 400 for malformed queries', async () => {
      const bad = [
        `/api/instances/${instanceId}/audit?format=xml`,
        `/api/instances/${instanceId}/audit?format=json&extra=1`,
        `/api/instances/${instanceId}/replay?step=-1`,
        `/api/instances/${instanceId}/replay?step=two`,
        `/api/instances/${instanceId}/replay?step=100000`,
        '/api/instances?from=yesterday',
        '/api/instances?from=2026-02-30',
        '/api/instances?from=2026-03-02&to=2026-03-01',
        '/api/instances?status=sleeping',
      ];
      for (const path of bad) {
        const res = await http.request('GET', path);
        expect(res.status, path).to.equal(400);
        expect((res.body as { error: { code: string } }).error.code, path).to.equal('INVALID_INPUT');
      }
    });
  });
});
