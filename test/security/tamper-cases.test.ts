import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';
import type { Database } from 'better-sqlite3';

import { hashEvent } from '../../server/audit/audit-chain.js';
import { readAnchor } from '../../server/audit/audit-anchor.js';
import type { AuditVerification } from '../../server/audit/audit-verify.js';
import { verifyStore } from '../../server/audit/store-verify.js';
import type { AuditRow } from '../../server/stores/sqlite/sqlite-audit.store.js';
import { removeDir, testAuditKey, userTaskProcess, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** What a case may touch: the SQLite file of a Baton, and the ids of its instances. */
interface Scene {
  db: Database;
  /** The instance the case tampers with (two tasks: one completed, one open; sealed twice). */
  target: string;
  /** Its open task. */
  openTask: string;
}

type Scope = 'instance' | 'checkpoint' | 'chain';

/**
 * The tamper-case table: what an insider with write access to the database can do, and the kind
 * of break verify must name. `instance` cases must leave the other instances valid; `checkpoint`
 * cases alter a checkpoint other instances rely on too (they are invalid by design); `chain`
 * cases break the checkpoint chain itself, and Baton must then refuse to seal.
 */
const CASES: [string, Scope, string, (scene: Scene) => void][] = [
  ['edit a field of an event', 'instance', 'hash-mismatch', ({ db, target }) => db.prepare("UPDATE audit_events SET actor = 'mallory' WHERE instance_id = ? AND seq = 2").run(target)],
  [
    'edit the data of an event',
    'instance',
    'hash-mismatch',
    ({ db, target }) => db.prepare(`UPDATE audit_events SET data = json_set(data, '$.forged', 1) WHERE instance_id = ? AND seq = 1`).run(target),
  ],
  [
    'insert a __proto__ key into the data of an event',
    'instance',
    'hash-mismatch',
    ({ db, target }) => db.prepare(`UPDATE audit_events SET data = '{"__proto__":{"admin":true},' || substr(data, 2) WHERE instance_id = ? AND seq = 2`).run(target),
  ],
  ['delete an event in the middle', 'instance', 'sequence-gap', ({ db, target }) => db.prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq = 3').run(target)],
  [
    'swap two events',
    'instance',
    'reordered',
    ({ db, target }) =>
      db.transaction(() => {
        db.prepare('UPDATE audit_events SET seq = -1 WHERE instance_id = ? AND seq = 3').run(target);
        db.prepare('UPDATE audit_events SET seq = 3 WHERE instance_id = ? AND seq = 4').run(target);
        db.prepare('UPDATE audit_events SET seq = 4 WHERE instance_id = ? AND seq = -1').run(target);
      })(),
  ],
  ['truncate the log', 'instance', 'truncated', ({ db, target }) => db.prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > 2').run(target)],
  [
    'truncate the log and rewind the head',
    'instance',
    'truncated',
    ({ db, target }) => {
      db.prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > 2').run(target);
      rewind(db, target);
    },
  ],
  ['re-chain the log with fresh hashes', 'instance', 'checkpoint-mismatch', ({ db, target }) => rechain(db, target)],
  [
    'remove the instance from a checkpoint and re-chain it',
    'checkpoint',
    'unsealed',
    ({ db, target }) => {
      db.prepare('DELETE FROM audit_checkpoint_heads WHERE instance_id = ?').run(target);
      rechain(db, target);
    },
  ],
  [
    'edit a sealed head of a checkpoint',
    'checkpoint',
    'checkpoint-signature-invalid',
    ({ db, target }) => db.prepare('UPDATE audit_checkpoint_heads SET seq = seq - 1 WHERE instance_id = ? AND checkpoint_id = 1').run(target),
  ],
  ['edit a stored variable', 'instance', 'state-mismatch', ({ db, target }) => db.prepare(`UPDATE instances SET variables = json_set(variables, '$.amount', 1000000) WHERE id = ?`).run(target)],
  ['give the open task another owner', 'instance', 'state-mismatch', ({ db, openTask }) => db.prepare("UPDATE tasks SET assignee = 'mallory' WHERE id = ?").run(openTask)],
  ['mark the open task completed', 'instance', 'state-mismatch', ({ db, openTask }) => db.prepare("UPDATE tasks SET status = 'completed' WHERE id = ?").run(openTask)],
  ['delete the newest checkpoint', 'chain', 'checkpoints-removed', ({ db }) => db.exec('DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 2; DELETE FROM audit_checkpoints WHERE id = 2;')],
  ['delete the first checkpoint', 'chain', 'checkpoints-removed', ({ db }) => db.exec('DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 1; DELETE FROM audit_checkpoints WHERE id = 1;')],
  [
    'delete every checkpoint and re-chain',
    'chain',
    'checkpoints-removed',
    ({ db, target }) => {
      db.exec('DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints;');
      rechain(db, target);
    },
  ],
];

function rows(db: Database, instanceId: string): AuditRow[] {
  return db.prepare<[string], AuditRow>('SELECT * FROM audit_events WHERE instance_id = ? ORDER BY seq').all(instanceId);
}

function rewind(db: Database, instanceId: string): void {
  const last = rows(db, instanceId).at(-1)!;
  db.prepare('UPDATE instances SET audit_seq = ?, audit_hash = ? WHERE id = ?').run(last.seq, last.hash, instanceId);
}

/** Event 2's actor changed and every hash after it recomputed: a self-consistent forgery. */
function rechain(db: Database, instanceId: string): void {
  let prev = '';
  for (const row of rows(db, instanceId)) {
    const actor = row.seq === 2 ? 'mallory' : row.actor;
    const event = { instanceId, seq: row.seq, type: row.type, at: row.at, actor, elementId: row.element_id, definitionId: row.definition_id, data: JSON.parse(row.data) as Record<string, unknown> };
    const prevHash = row.seq === 1 ? row.prev_hash : prev;
    const hash = hashEvent(prevHash, event);
    db.prepare('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE instance_id = ? AND seq = ?').run(actor, prevHash, hash, instanceId, row.seq);
    prev = hash;
  }
  rewind(db, instanceId);
}

/** Two steps with a task each: the second task open. */
const TWO_STEPS = userTaskProcess('guarded').replace(
  '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />',
  '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="t2" /><bpmn:userTask id="t2" name="Check" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f3" sourceRef="t2" targetRef="e" />',
);

describe('Tamper cases: every one detected, no false alarm', function () {
  this.timeout(60_000);
  let baton: TestBaton;
  let keys: string;
  let ids: string[];
  let openTask: string;

  beforeEach(() => {
    keys = mkdtempSync(path.join(tmpdir(), 'baton-tamper-keys-'));
  });
  const server = useTestServer(() => ({ auditAnchorFile: path.join(keys, 'audit-anchor.json') }));

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(TWO_STEPS);
    ids = [];
    for (let i = 0; i < 3; i++) {
      const { instance, opened } = await baton.instances.start({ processKey: 'guarded', variables: { amount: 10 * (i + 1) }, businessKey: null }, 'api');
      await baton.tasks.complete(opened[0]!.id, { approved: true }, 'alice');
      ids.push(instance.id);
      if (i === 0) openTask = (await baton.store.tasks.list({ instanceId: instance.id, status: 'open' }))[0]!.id;
    }
    // sealed twice, the events well before the newest checkpoint
    await baton.checkpointer.checkpoint();
    baton.clock.advance(120_000);
    await baton.instances.start({ processKey: 'guarded', variables: { amount: 1 }, businessKey: null }, 'api');
    await baton.checkpointer.checkpoint();
  });

  afterEach(() => {
    removeDir(keys);
  });

  function db(): Database {
    return (baton.store as unknown as { db: Database }).db;
  }

  async function verify(instanceId: string): Promise<AuditVerification> {
    return baton.audit.verify(instanceId);
  }

  async function wholeStore() {
    return verifyStore(baton.store.audit, baton.store.instances, baton.audit, testAuditKey, readAnchor(path.join(keys, 'audit-anchor.json')));
  }

  it('untouched: every instance and the whole store verify (0 false alarms)', async () => {
    for (const id of ids) expect((await verify(id)).firstInvalid, id).to.equal(null);
    const store = await wholeStore();
    expect(store.problems).to.deep.equal([]);
  });

  for (const [name, scope, kind, tamper] of CASES) {
    it(`${name}: ${kind}`, async () => {
      tamper({ db: db(), target: ids[0]!, openTask });
      // the tampered instance names the break
      const result = await verify(ids[0]!);
      expect(result.valid, JSON.stringify(result.firstInvalid)).to.equal(false);
      expect(result.firstInvalid?.kind).to.equal(kind);
      // the whole-store verify (npm run audit:verify) fails
      expect((await wholeStore()).valid).to.equal(false);
      // an instance-level forgery leaves the others valid: no false alarm
      if (scope === 'instance') {
        for (const id of ids.slice(1)) expect((await verify(id)).firstInvalid, id).to.equal(null);
      }
      // and Baton does not seal over a broken checkpoint chain
      if (scope === 'chain') expect(await baton.checkpointer.checkpoint()).to.equal(null);
    });
  }
});
