import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { VersionConflictError } from '../../../server/errors.js';
import { SCHEMA_VERSION } from '../../../server/stores/sqlite/sqlite-schema.js';
import { openSqliteStore, type SqliteStore } from '../../../server/stores/sqlite/sqlite-store.js';
import type { Store } from '../../../server/stores/store.js';
import { makeAuditEvent, makeDefinition, makeInstance, makeOutboxMessage, makeTask, makeTimer, newInstanceStep, nextStep, rejectionOf, startInstance } from '../../contracts/fixtures.js';
import { storeContract } from '../../contracts/store.contract.js';

describe('SqliteStore', () => {
  let dir = '';
  let files = 0;
  const freshFile = (): string => {
    files += 1;
    return join(dir, `store-${files}.db`);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-sqlite-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  storeContract(
    async () => openSqliteStore(freshFile()),
    async (store: Store) => store.close(),
    async (store: Store) => openSqliteStore((store as SqliteStore).db.name),
  );

  describe('SQLite specifics', () => {
    const opened: SqliteStore[] = [];
    const open = (file: string): SqliteStore => {
      const store = openSqliteStore(file);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('keeps everything across close and reopen of the same file', async () => {
      // given a store with a definition, an instance with a task, and drawn ticket numbers
      const file = freshFile();
      const first = open(file);
      const definition = makeDefinition();
      await first.definitions.insert(definition);
      const instance = makeInstance();
      const task = makeTask(instance);
      await first.commitStep(newInstanceStep(instance, { tasks: [task] }, { prefix: 'HD', seq: 1 }));
      // when it is closed and the file opened again
      await first.close();
      const second = open(file);
      // then all of it is there, and the ticket sequence continues instead of restarting
      expect(await second.definitions.getById(definition.id)).to.deep.equal(definition);
      expect(await second.instances.get(instance.id)).to.deep.equal(instance);
      expect(await second.tasks.get(task.id)).to.deep.equal(task);
      expect(await second.instances.lastTicketSeq('HD')).to.equal(1);
    });

    it('runs in WAL mode with foreign keys, NORMAL sync and a busy timeout', () => {
      // given a freshly opened file store
      const store = open(freshFile());
      // when its connection settings are read
      const pragma = (name: string): unknown => store.db.pragma(name, { simple: true });
      // then they are the ones the adapter relies on
      expect(pragma('journal_mode')).to.equal('wal');
      expect(pragma('foreign_keys')).to.equal(1);
      expect(pragma('synchronous')).to.equal(1);
      expect(pragma('busy_timeout')).to.equal(5000);
      expect(pragma('user_version')).to.equal(SCHEMA_VERSION);
    });

    it('writes nothing of a new instance step that fails halfway', async () => {
      // given a step whose second task breaks a NOT NULL column, after the instance and first task
      const store = open(freshFile());
      const instance = makeInstance();
      const broken = { ...makeTask(instance), name: null as unknown as string };
      const step = newInstanceStep(instance, {
        tasks: [makeTask(instance), broken],
        audit: [makeAuditEvent(instance, 1)],
        timers: [makeTimer(instance)],
        outbox: [makeOutboxMessage(instance)],
      });
      // when it is committed
      const error = await rejectionOf(store.commitStep(step));
      // then it failed and neither the instance nor any of its parts exist
      expect(error).to.be.instanceOf(Error);
      expect(await store.instances.get(instance.id)).to.equal(null);
      expect(await store.tasks.list({ instanceId: instance.id })).to.deep.equal([]);
      expect(await store.audit.forInstance(instance.id)).to.deep.equal([]);
      expect(await store.timers.forInstance(instance.id)).to.deep.equal([]);
      expect(await store.outbox.pending(10)).to.deep.equal([]);
    });

    it('keeps the previous version when a later step fails at its last write', async () => {
      // given an instance at version 1 with a timer and one audit event
      const store = open(freshFile());
      const instance = makeInstance({ auditHead: { seq: 1, hash: 'hash-1' } });
      const timer = makeTimer(instance);
      const v1 = await startInstance(store, instance, {
        timers: [timer],
        audit: [makeAuditEvent(instance, 1)],
      });
      const before = {
        audit: await store.audit.forInstance(v1.id),
        timers: await store.timers.forInstance(v1.id),
      };
      // when a step that bumps the version, adds a task and an audit event and clears the timers
      // then fails on its outbox message, the last thing written
      const broken = { ...makeOutboxMessage(v1), channel: null as unknown as 'email' };
      const step = nextStep(v1, {
        tasks: [makeTask(v1)],
        audit: [makeAuditEvent(v1, 2)],
        timers: [],
        outbox: [broken],
      });
      const error = await rejectionOf(store.commitStep(step));
      // then the instance is still at version 1 with its task list, audit and timers as before
      expect(error).to.be.instanceOf(Error);
      expect(await store.instances.get(v1.id)).to.deep.equal(v1);
      expect(await store.tasks.list({ instanceId: v1.id })).to.deep.equal([]);
      expect(await store.audit.forInstance(v1.id)).to.deep.equal(before.audit);
      expect(await store.timers.forInstance(v1.id)).to.deep.equal(before.timers);
      expect(await store.outbox.forInstance(v1.id)).to.deep.equal([]);
    });

    it('commits a step inside an outer transaction and rolls back with it', async () => {
      // given a store and an outer transaction that writes a step, then something else that fails
      // (how the agenda backend adds its job rows to the step)
      const store = open(freshFile());
      const instance = makeInstance();
      const step = newInstanceStep(instance, { tasks: [makeTask(instance)] });
      const failing = store.db.transaction(() => {
        store.commitStepSync(step);
        throw new Error('job row refused');
      });
      // when the outer transaction runs
      expect(() => failing.immediate()).to.throw('job row refused');
      // then the step is gone with it
      expect(await store.instances.get(instance.id)).to.equal(null);
      expect(await store.tasks.list({ instanceId: instance.id })).to.deep.equal([]);
      // and when the same step runs in an outer transaction that succeeds, it is stored
      store.db.transaction(() => store.commitStepSync(step)).immediate();
      expect(await store.instances.get(instance.id)).to.deep.equal(instance);
    });

    it('refuses a stale step from a second connection to the same file', async () => {
      // given two stores open on one file (two processes, or two nodes on a shared disk)
      const file = freshFile();
      const nodeA = open(file);
      const nodeB = open(file);
      const v1 = await startInstance(nodeA, {}, { timers: [] });
      // when A advances the instance and B then commits its own step from version 1
      await nodeA.commitStep(nextStep(v1, {}, { variables: { by: 'A' } }));
      const error = await rejectionOf(nodeB.commitStep(nextStep(v1, {}, { variables: { by: 'B' } })));
      // then B loses with a version conflict and A's write stands
      expect(error).to.be.instanceOf(VersionConflictError);
      expect((await nodeB.instances.get(v1.id))?.variables).to.deep.equal({ by: 'A' });
    });

    it('creates missing directories and opens in memory', async () => {
      // given paths that do not exist yet, and the in-memory name
      const nested = join(dir, 'nested', 'deeper', 'baton.db');
      // when stores are opened on them
      const onDisk = open(nested);
      const inMemory = open(':memory:');
      // then both work
      await onDisk.ping();
      await inMemory.departments.upsert({ id: 'd', name: 'D', parentId: null });
      expect(await inMemory.departments.list()).to.have.length(1);
    });

    it('closes idempotently and stops answering pings once closed', async () => {
      // given an open store
      const store = open(freshFile());
      await store.ping();
      // when it is closed twice
      await store.close();
      await store.close();
      // then a ping rejects
      expect(await rejectionOf(store.ping())).to.be.instanceOf(Error);
    });

    it('refuses a database written by a newer schema version', () => {
      // given a file whose schema version is ahead of this code
      const file = freshFile();
      const raw = new Database(file);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      // when it is opened
      // then opening fails with a message naming the versions
      expect(() => openSqliteStore(file)).to.throw(/newer/);
    });

    it('answers the port queries from indexes, without table scans', () => {
      // given the schema
      const store = open(':memory:');
      const plan = (sql: string): string[] =>
        store.db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((row) => row.detail);
      // A full table scan or a sort in a temp b-tree is what an index should have spared; walking
      // a partial index (outbox_pending holds unsent rows only) is the intended plan.
      const wasteful = (detail: string): boolean => (detail.startsWith('SCAN') && !detail.includes('USING')) || detail.includes('TEMP B-TREE');
      // when the planner explains the queries the ports make on hot paths
      const queries = [
        "SELECT * FROM tasks WHERE status = 'open' AND department = 'x' ORDER BY created_at, rowid",
        "SELECT * FROM tasks WHERE assignee = 'ada' AND status = 'open' ORDER BY created_at, rowid",
        "SELECT * FROM tasks WHERE instance_id = 'i' ORDER BY created_at, rowid",
        "SELECT * FROM instances WHERE status = 'running' ORDER BY started_at DESC, rowid DESC",
        "SELECT * FROM instances WHERE process_key = 'p' AND business_key = 'k'",
        "SELECT * FROM instances WHERE ticket_number = 'HD-000001'",
        "SELECT * FROM instances WHERE (started_at >= 'a') AND (started_at < 'b') ORDER BY started_at DESC, rowid DESC",
        "SELECT * FROM instances WHERE status = 'running' AND (started_at >= 'a') ORDER BY started_at DESC, rowid DESC",
        "SELECT * FROM audit_events WHERE instance_id = 'i' AND seq > 3 ORDER BY seq LIMIT 500",
        "SELECT * FROM audit_checkpoint_heads WHERE instance_id = 'i' ORDER BY checkpoint_id",
        "SELECT id, data FROM agenda_jobs WHERE name = 'baton.timer' AND json_extract(data, '$.dueMs') <= 0 ORDER BY json_extract(data, '$.dueMs'), id LIMIT 10",
        "SELECT id, data FROM agenda_jobs INDEXED BY agenda_jobs_instance WHERE instance_id = 'i' AND name = 'baton.timer'",
        "SELECT * FROM message_subscriptions WHERE message_name = 'm' AND business_key = 'k'",
        'SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY created_at, rowid LIMIT 10',
      ];
      // then each one is answered from an index, neither scanning a table nor sorting
      for (const sql of queries) expect(plan(sql).filter(wasteful), sql).to.deep.equal([]);
      // and the auditors' person search finds its instances through indexes (sorting only those)
      const person = `SELECT * FROM instances WHERE (id IN (SELECT instance_id FROM audit_events WHERE actor = 'x'
        UNION SELECT instance_id FROM tasks WHERE assignee = 'x')) ORDER BY started_at DESC, rowid DESC`;
      expect(plan(person).filter((detail) => detail.startsWith('SCAN') && !detail.includes('USING'))).to.deep.equal([]);
    });
  });
});
