import { expect } from 'chai';
import type pg from 'pg';

import type { AuditEvent } from '../../../server/audit/audit-event.js';
import type { InstanceRecord } from '../../../server/instances/instance.js';
import { PgAuditStore } from '../../../server/stores/postgres/pg-audit.store.js';
import { PgInstanceStore } from '../../../server/stores/postgres/pg-instance.store.js';
import { createPool, inTransaction } from '../../../server/stores/postgres/pg-pool.js';
import { migratePg, PG_MIGRATIONS } from '../../../server/stores/postgres/pg-schema.js';
import { openPostgresStore, type PgStore } from '../../../server/stores/postgres/pg-store.js';
import { isoAt, makeAuditEvent, makeInstance, newInstanceStep } from '../../contracts/fixtures.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../../support/postgres.js';

/** A started ticket's first step: instance.started and a task for `department`. */
function startEvents(instance: InstanceRecord, minute: number): AuditEvent[] {
  const event = (seq: number, type: string, data: Record<string, unknown>): AuditEvent =>
    makeAuditEvent(instance, seq, { type, at: isoAt(minute), actor: 'api', elementId: type.startsWith('task.') ? 'triage' : null, data });
  return [event(1, 'instance.started', {}), event(2, 'task.created', { taskId: `${instance.id}-task`, department: 'first-line', assignee: null, dueAt: null })];
}

/**
 * The projector's feed on PostgreSQL under concurrent writers: identities (audit_events.pos) are
 * taken before commit, so a transaction can still be open below events that are already visible.
 * The feed reads in (xid, pos) order below the snapshot's xmin (pg-analytics.store.ts); these
 * tests hold one transaction open on a second pool connection to check it never passes one.
 */
describe('AnalyticsStore on PostgreSQL: out-of-order commits', function () {
  this.timeout(60_000);
  let store: PgStore;
  let schema: string;
  const held: pg.PoolClient[] = [];

  beforeEach(async () => {
    schema = freshSchema();
    store = await openPostgresStore({ url: await testDatabaseUrl(), schema, max: 4 });
  });
  afterEach(async () => {
    for (const client of held.splice(0)) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    await store.close();
    await dropSchema(schema);
  });

  const range = { from: isoAt(0), to: isoAt(24 * 60) };
  const analytics = () => store.analytics;
  const foldAll = async (): Promise<number> => {
    let total = 0;
    for (let n = await analytics().foldNext(1); n > 0; n = await analytics().foldNext(1)) total += n;
    return total;
  };
  const folded = async (): Promise<string[]> => (await analytics().processFacts('helpdesk', range)).instances.map((i) => i.instanceId).sort();
  /** A transaction on its own connection that has written its instance (so holds an xid), not yet its events. */
  const openStep = async (instance: InstanceRecord): Promise<pg.PoolClient> => {
    const client = await store.pool.connect();
    held.push(client);
    await client.query('BEGIN');
    await store.instances.insertIn(client, instance);
    return client;
  };
  const append = async (client: pg.PoolClient, instance: InstanceRecord, minute: number): Promise<void> => {
    await store.audit.appendIn(client, startEvents(instance, minute));
  };
  const commit = async (client: pg.PoolClient): Promise<void> => {
    await client.query('COMMIT');
    held.splice(held.indexOf(client), 1);
    client.release();
  };
  /** The rebuilt projection equals the live one: nothing was skipped or folded twice. */
  const expectRebuildEqual = async (): Promise<void> => {
    const live = await analytics().dump();
    await analytics().reset();
    await foldAll();
    expect(await analytics().dump()).to.deep.equal(live);
  };

  it('does not pass a lower position still open while a higher one commits, and folds it once it commits', async () => {
    // given a step holding its transaction open after taking the lower positions
    const slow = makeInstance({ startedAt: isoAt(0) });
    const a = await openStep(slow);
    await append(a, slow, 0);
    // and a later step that took higher positions and committed first
    const fast = makeInstance({ startedAt: isoAt(1) });
    await store.commitStep(newInstanceStep(fast, { audit: startEvents(fast, 1) }));
    // when the projector runs meanwhile, it stays behind the open transaction
    await foldAll();
    expect(await folded()).to.deep.equal([]);
    expect((await analytics().cursor()).behind).to.equal(2);
    // then once it commits, both steps are folded, each once
    await commit(a);
    expect(await foldAll()).to.equal(4);
    expect(await folded()).to.deep.equal([fast.id, slow.id].sort());
    expect(await analytics().cursor()).to.deep.include({ valid: true, behind: 0 });
    await expectRebuildEqual();
  });

  it('does not pass a lower position of a later transaction when an earlier one takes a higher position and commits', async () => {
    // given an early transaction (lower xid) and a later one (higher xid) that writes its events first (lower pos)
    const early = makeInstance({ startedAt: isoAt(0) });
    const late = makeInstance({ startedAt: isoAt(1) });
    const a = await openStep(early);
    const b = await openStep(late);
    await append(b, late, 1);
    await append(a, early, 0);
    const positions = await store.pool.query<{ instance_id: string; pos: number }>('SELECT instance_id, pos FROM audit_events ORDER BY pos');
    expect(positions.rows).to.deep.equal([]); // nothing committed yet
    // when the early one commits and the projector runs while the late one, below it in pos, is open
    await commit(a);
    expect(await foldAll()).to.equal(2);
    expect(await folded()).to.deep.equal([early.id]);
    // then the late one's events are folded when it commits, though their positions are below the cursor's
    await commit(b);
    const order = await store.pool.query<{ instance_id: string }>('SELECT instance_id FROM audit_events ORDER BY pos');
    expect(order.rows.map((row) => row.instance_id)).to.deep.equal([late.id, late.id, early.id, early.id]);
    expect(await foldAll()).to.equal(2);
    expect(await folded()).to.deep.equal([early.id, late.id].sort());
    expect(await analytics().cursor()).to.deep.include({ valid: true, behind: 0 });
    await expectRebuildEqual();
  });

  it('numbers the events of a schema migrated before it in log order, each instance in seq order, and folds them', async () => {
    // given a schema at the version before the analytics migration, with events already logged
    const old = freshSchema();
    const pool = createPool({ url: await testDatabaseUrl(), schema: old, max: 2 });
    let upgraded: PgStore | null = null;
    try {
      await migratePg(pool, PG_MIGRATIONS.indexOf('analytics'));
      const x = makeInstance({ startedAt: isoAt(0) });
      const y = makeInstance({ startedAt: isoAt(0) });
      const events = [
        makeAuditEvent(x, 1, { type: 'instance.started', at: isoAt(10), elementId: null }),
        // a clock that went back between two steps of one instance: still after its seq 1
        makeAuditEvent(x, 2, { type: 'activity.left', at: isoAt(5) }),
        makeAuditEvent(y, 1, { type: 'instance.started', at: isoAt(7), elementId: null }),
      ];
      await inTransaction(pool, async (client) => {
        const instances = new PgInstanceStore(pool);
        await instances.insertIn(client, x);
        await instances.insertIn(client, y);
        const audit = new PgAuditStore(pool);
        await audit.appendIn(client, events);
      });
      // when a Baton with the analytics migration opens it
      upgraded = await openPostgresStore({ url: await testDatabaseUrl(), schema: old, max: 2 });
      // then the existing events are numbered by time, each instance's kept in seq order
      const order = await upgraded.pool.query<{ instance_id: string; seq: number; pos: number }>('SELECT instance_id, seq, pos FROM audit_events ORDER BY pos');
      expect(order.rows.map((row) => [row.instance_id, row.seq, row.pos])).to.deep.equal([
        [x.id, 1, 1],
        [y.id, 1, 2],
        [x.id, 2, 3],
      ]);
      // and new events number on after them, and everything folds
      const z = makeInstance({ startedAt: isoAt(20) });
      await upgraded.commitStep(newInstanceStep(z, { audit: startEvents(z, 20) }));
      const last = await upgraded.pool.query<{ pos: number }>('SELECT max(pos) AS pos FROM audit_events');
      expect(last.rows[0]?.pos).to.equal(5);
      expect(await upgraded.analytics.foldNext(100)).to.equal(5);
      expect(await upgraded.analytics.cursor()).to.deep.include({ position: 5, valid: true, behind: 0 });
    } finally {
      await upgraded?.close();
      await pool.end();
      await dropSchema(old);
    }
  });
});
