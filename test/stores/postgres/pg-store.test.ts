import { expect } from 'chai';
import { StoreUnavailableError, TicketNumberTakenError, VersionConflictError } from '../../../server/errors.js';
import { createPool, query } from '../../../server/stores/postgres/pg-pool.js';
import { PG_SCHEMA_VERSION } from '../../../server/stores/postgres/pg-schema.js';
import { openPostgresStore, type PgStore } from '../../../server/stores/postgres/pg-store.js';
import type { Store } from '../../../server/stores/store.js';
import type { ExternalTaskRecord } from '../../../server/external-tasks/external-task.js';
import { isoAt, makeDefinition, makeInstance, makeTask, makeTimer, nextStep, rejectionOf, startInstance } from '../../contracts/fixtures.js';
import { storeContract } from '../../contracts/store.contract.js';
import { dropSchema, emptySchema, freshSchema, testDatabaseUrl } from '../../support/postgres.js';

describe('PgStore', function () {
  // The first test of the run may start the embedded cluster (initdb + start, a few seconds).
  this.timeout(60_000);

  const schemaOf = new Map<Store, string>();
  // Emptied schemas are handed out again: emptying one is a single TRUNCATE, creating and
  // migrating a new one costs ten times that, for every test.
  const emptied: string[] = [];
  const all: string[] = [];
  after(async () => {
    for (const schema of all) await dropSchema(schema);
  });
  const openFresh = async (): Promise<PgStore> => {
    let schema = emptied.pop();
    if (!schema) {
      schema = freshSchema();
      all.push(schema);
    }
    const store = await openPostgresStore({ url: await testDatabaseUrl(), schema, max: 4 });
    schemaOf.set(store, schema);
    return store;
  };
  const closeAndDrop = async (store: Store): Promise<void> => {
    const schema = schemaOf.get(store);
    schemaOf.delete(store);
    if (schema) await emptySchema((store as PgStore).pool);
    await store.close();
    if (schema) emptied.push(schema);
  };

  storeContract(openFresh, closeAndDrop, async (store) => {
    const schema = schemaOf.get(store);
    if (!schema) throw new Error('not a store of this suite');
    return openPostgresStore({ url: await testDatabaseUrl(), schema, max: 4 });
  });

  describe('PostgreSQL specifics', () => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await closeAndDrop(store);
    });
    const open = async (): Promise<PgStore> => {
      const store = await openFresh();
      opened.push(store);
      return store;
    };

    it('keeps everything when a second pool opens the same schema (another node), and the ticket sequence continues', async () => {
      // given a store with a definition, an instance with a task, and a drawn ticket number
      const first = await open();
      const schema = schemaOf.get(first)!;
      const definition = makeDefinition();
      await first.definitions.insert(definition);
      const instance = makeInstance();
      const task = makeTask(instance);
      await startInstance(first, instance, { tasks: [task], ticket: { prefix: 'HD', seq: 1 } });
      expect(await first.instances.lastTicketSeq('HD')).to.equal(1);
      // when a second node opens the same schema
      const second = await openPostgresStore({ url: await testDatabaseUrl(), schema, max: 2 });
      try {
        // then it reads the same records, and numbers continue across both
        expect(await second.definitions.getById(definition.id)).to.deep.equal(definition);
        expect(await second.instances.get(instance.id)).to.deep.equal(instance);
        expect(await second.tasks.get(task.id)).to.deep.equal(task);
        expect(await second.instances.lastTicketSeq('HD')).to.equal(1);
        await startInstance(second, {}, { ticket: { prefix: 'HD', seq: 2 } });
        expect(await first.instances.lastTicketSeq('HD')).to.equal(2);
        // a node that reserved a number another node took meanwhile is refused, writing nothing
        expect(await rejectionOf(startInstance(first, {}, { ticket: { prefix: 'HD', seq: 2 } }))).to.be.instanceOf(TicketNumberTakenError);
      } finally {
        await second.close();
      }
    });

    it('migrates once when several nodes start together, and records the schema version', async () => {
      // given a schema nobody has opened yet
      const schema = freshSchema();
      const url = await testDatabaseUrl();
      // when four nodes open it at the same moment
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore({ url, schema, max: 2 })));
      try {
        // then every one of them works on the one migrated schema
        for (const store of stores) expect(await store.schemaVersion()).to.equal(PG_SCHEMA_VERSION);
        await startInstance(stores[0]!, makeInstance());
        expect(await stores[3]!.instances.list({})).to.have.length(1);
      } finally {
        for (const store of stores) await store.close();
        await dropSchema(schema);
      }
    });

    it('refuses to start against a schema newer than this code knows, with a clear message', async () => {
      // given a schema a newer Baton has migrated further
      const store = await open();
      const schema = schemaOf.get(store)!;
      await store.pool.query('UPDATE baton_schema SET version = version + 1');
      // when this Baton opens it
      const error = await rejectionOf(openPostgresStore({ url: await testDatabaseUrl(), schema, max: 2 }));
      // then it refuses and says why
      expect((error as Error).message).to.match(/schema version \d+ is newer than this Baton supports/);
      // (the schema goes back to this Baton's version: emptied schemas are reused)
      await store.pool.query('UPDATE baton_schema SET version = version - 1');
    });

    it('serialises two nodes committing steps of one instance: one wins, the other gets a version conflict, nothing is mixed', async () => {
      // given one instance and two nodes (two pools) on the same schema
      const first = await open();
      const schema = schemaOf.get(first)!;
      const second = await openPostgresStore({ url: await testDatabaseUrl(), schema, max: 2 });
      try {
        const instance = await startInstance(first, makeInstance());
        const fromFirst = nextStep(instance, { tasks: [makeTask(instance, { name: 'first' })] });
        const fromSecond = nextStep(instance, { tasks: [makeTask(instance, { name: 'second' })] });
        // when both commit a step from the same version at once
        const results = await Promise.allSettled([first.commitStep(fromFirst), second.commitStep(fromSecond)]);
        // then exactly one is stored and the other is a VersionConflictError
        const lost = results.filter((result) => result.status === 'rejected');
        expect(lost).to.have.length(1);
        expect((lost[0] as PromiseRejectedResult).reason).to.be.instanceOf(VersionConflictError);
        const tasks = await first.tasks.list({ instanceId: instance.id });
        expect(tasks).to.have.length(1);
        expect((await first.instances.get(instance.id))?.version).to.equal(2);
      } finally {
        await second.close();
      }
    });

    it('hands each external task to one worker only when several nodes fetch and lock at once', async () => {
      // given 30 open worker tasks and three nodes on the same schema
      const first = await open();
      const schema = schemaOf.get(first)!;
      const others = await Promise.all([1, 2].map(async () => openPostgresStore({ url: await testDatabaseUrl(), schema, max: 4 })));
      try {
        const instance = makeInstance();
        const tasks: ExternalTaskRecord[] = Array.from({ length: 30 }, (_, index) => ({
          id: `${instance.id}:exec-${index}`,
          instanceId: instance.id,
          executionId: `exec-${index}`,
          elementId: 'Task_Score',
          topic: 'score',
          processKey: instance.processKey,
          ticketNumber: instance.ticketNumber,
          businessKey: instance.businessKey,
          status: 'open',
          kind: 'worker',
          childInstanceId: null,
          input: {},
          headers: {},
          retries: null,
          errorMessage: null,
          workerId: null,
          lockExpiresAt: null,
          availableAt: null,
          createdAt: isoAt(index),
          updatedAt: isoAt(index),
        }));
        await startInstance(first, instance, { externalTasks: tasks });
        // when twelve workers on the three nodes lock up to four tasks each, all at once
        const nodes = [first, ...others];
        const batches = await Promise.all(
          Array.from({ length: 12 }, (_, worker) =>
            nodes[worker % 3]!.externalTasks.lock({ workerId: `w${worker}`, topics: [{ name: 'score', lockDurationMs: 60_000 }], maxTasks: 4, now: new Date(isoAt(60)) }),
          ),
        );
        // then no task went to two workers, and every task went to one
        const ids = batches.flat().map((task) => task.id);
        expect(new Set(ids).size).to.equal(ids.length);
        expect(ids).to.have.length(30);
        const stored = await first.externalTasks.forInstance(instance.id);
        batches.forEach((batch, worker) => {
          for (const task of batch) expect(stored.find((row) => row.id === task.id)?.workerId).to.equal(`w${worker}`);
        });
      } finally {
        for (const store of others) await store.close();
      }
    });

    it('takes each ticket number once when many connections commit starts at once', async () => {
      // given a store whose pool has several connections
      const store = await open();
      // when 40 starts all reserved the first number of FS and commit together
      const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => startInstance(store, {}, { ticket: { prefix: 'FS', seq: 1 } })));
      // then one wins, the others are refused as taken (their runners start again with a fresh number)
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).to.be.instanceOf(TicketNumberTakenError);
      expect(await store.instances.lastTicketSeq('FS')).to.equal(1);
    });

    it('commits several steps in one transaction: all of them, or none when one conflicts', async () => {
      // given two instances
      const store = await open();
      const one = await startInstance(store, makeInstance());
      const two = await startInstance(store, makeInstance());
      // when both steps commit together
      await store.commitSteps([nextStep(one, { tasks: [makeTask(one)] }), nextStep(two, { tasks: [makeTask(two)] })]);
      // then both are stored
      expect((await store.instances.get(one.id))?.version).to.equal(2);
      expect((await store.instances.get(two.id))?.version).to.equal(2);
      // and when a batch holds one stale step, nothing of the batch is written
      const moved = { ...one, version: 2 };
      const error = await rejectionOf(store.commitSteps([nextStep(moved, { tasks: [makeTask(one, { name: 'late' })] }), nextStep(two, {})]));
      expect(error).to.be.instanceOf(VersionConflictError);
      expect((await store.instances.get(one.id))?.version).to.equal(2);
      expect(await store.tasks.list({ instanceId: one.id })).to.have.length(1);
    });

    it('rewrites a timer whose clock moved though its due time did not, and finds it under its new calendar', async () => {
      // given a timer counting in "office"
      const store = await open();
      const instance = makeInstance();
      const timer = makeTimer(instance, { clock: { calendar: 'department', calendarId: 'office', remainingMs: 60_000, from: isoAt(0), taskId: 't-1' } });
      await startInstance(store, instance, { timers: [timer] });
      expect(await store.timers.get(timer.id)).to.deep.equal(timer);
      // when a step moves it to "nights" (a hand-over) with the same due time
      const moved = { ...timer, clock: { ...timer.clock!, calendarId: 'nights' } };
      await store.commitStep(nextStep(instance, { timers: [moved] }));
      // then it is read back with the new clock, under its new calendar only
      expect(await store.timers.get(timer.id)).to.deep.equal(moved);
      expect(await store.timers.withClockCalendar('nights', '', 10)).to.deep.equal([moved]);
      expect(await store.timers.withClockCalendar('office', '', 10)).to.deep.equal([]);
    });

    it('answers STORE_UNAVAILABLE, not a driver error, when the database cannot be reached', async () => {
      // given a pool whose server is gone (a port nothing listens on)
      const broken = createPool({ url: 'postgres://baton:x@127.0.0.1:1/none', max: 1 });
      // when a statement is sent through the store's query helper
      const error = await rejectionOf(query(broken, 'SELECT 1'));
      await broken.end();
      // then the error is the store's own, with the code the HTTP layer maps to 503 + Retry-After
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).to.equal('STORE_UNAVAILABLE');
    });
  });
});
