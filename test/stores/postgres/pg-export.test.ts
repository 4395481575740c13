import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { ManualClock } from '../../../server/clock.js';
import { exportStore, importStore } from '../../../server/stores/open-store.js';
import { bpmn, removeDir, TEST_ADMIN, type TestBaton } from '../../support/harness.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../../support/postgres.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/test-server.js';

const HOUR = 3600_000;

const ESCALATION = bpmn(
  'escalation',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
    <bpmn:userTask id="l1" name="First level" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT20H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="escalate" targetRef="l2" />
    <bpmn:userTask id="l2" name="Second level" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f3" sourceRef="l2" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="l1" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

async function* linesOf(lines: readonly string[]): AsyncIterable<string> {
  yield* lines;
}

/**
 * Moving between the stores: `npm run export` from SQLite, `npm run import` into PostgreSQL, and
 * back. Afterwards every audit chain verifies, the pending timer fires, numbering continues.
 */
describe('Export and import between SQLite and PostgreSQL', function () {
  this.timeout(60_000);
  const opened: TestServer[] = [];
  const schemas: string[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const server of opened.splice(0)) await server.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
    for (const dir of dirs.splice(0)) removeDir(dir);
  });

  async function start(options?: TestServerOptions & { clock?: ManualClock }): Promise<TestBaton> {
    const server = await startTestServer(options);
    opened.push(server);
    return server.baton;
  }

  /** A store with a finished ticket, one escalated by its timer, one whose timer is pending. */
  async function populated(baton: TestBaton): Promise<{ done: string; escalated: string; waiting: string }> {
    await baton.definitions.deploy(ESCALATION);
    const start = () => baton.instances.start({ processKey: 'escalation', variables: {}, businessKey: null }, 'api');
    const done = await start();
    await baton.tasks.complete(done.opened[0]!.id, {}, 'api');
    const escalated = await start();
    baton.clock.advance(21 * HOUR);
    await baton.scheduler.tick();
    const waiting = await start();
    await baton.checkpointer.tick();
    return { done: done.instance.id, escalated: escalated.instance.id, waiting: waiting.instance.id };
  }

  async function exported(baton: TestBaton, postgres?: { url: string; schema: string }): Promise<string[]> {
    const lines: string[] = [];
    const config = postgres ? { database: { kind: 'postgres' as const, url: postgres.url, poolSize: 2 } } : { database: { kind: 'sqlite' as const, file: baton.file } };
    await exportStore(config, (line) => lines.push(line.trimEnd()), postgres ? { schema: postgres.schema } : {});
    return lines;
  }

  async function expectSameAndWorking(source: TestBaton, copy: TestBaton, ids: { done: string; escalated: string; waiting: string }, prefix: string): Promise<void> {
    const summary = async (b: TestBaton) => (await b.instances.list({ limit: 10 })).map((i) => [i.id, i.ticketNumber, i.status]).sort();
    expect(await summary(copy)).to.deep.equal(await summary(source));
    for (const id of Object.values(ids)) expect((await copy.audit.verify(id)).valid, id).to.equal(true);
    // the waiting ticket's timer fires when its time comes
    copy.clock.advance(21 * HOUR);
    await copy.scheduler.tick();
    expect((await copy.tasks.list({ instanceId: ids.waiting, status: 'open' })).map((t) => t.elementId)).to.deep.equal(['l2']);
    // numbering continues after the imported tickets
    const next = await copy.instances.start({ processKey: 'escalation', variables: {}, businessKey: null }, 'api');
    expect(next.instance.ticketNumber).to.equal(`${prefix}-000004`);
    expect(await copy.auth.signIn(TEST_ADMIN.username, TEST_ADMIN.password, '127.0.0.1', 'token')).to.have.property('secret');
  }

  it('moves a SQLite store into PostgreSQL and back, chains verifying, timers firing, numbering continuing', async () => {
    // given a SQLite store in use
    const sqlite = await start();
    const ids = await populated(sqlite);
    const prefix = (await sqlite.instances.list({ limit: 1 }))[0]!.ticketNumber.split('-')[0]!;
    // when it is exported and imported into an empty PostgreSQL schema
    const postgres = { url: await testDatabaseUrl(), schema: freshSchema('import') };
    schemas.push(postgres.schema);
    const lines = await exported(sqlite);
    await importStore({ database: { kind: 'postgres', url: postgres.url, poolSize: 2 } }, linesOf(lines), { schema: postgres.schema });
    // then a Baton on PostgreSQL holds the same, and works on
    const onPg = await start({ postgres, clock: new ManualClock(sqlite.clock.now()) });
    await expectSameAndWorking(sqlite, onPg, ids, prefix);

    // when the PostgreSQL store (as it was on import: a fresh copy of it) is exported and imported into a new SQLite file
    const again = { url: postgres.url, schema: freshSchema('import') };
    schemas.push(again.schema);
    await importStore({ database: { kind: 'postgres', url: again.url, poolSize: 2 } }, linesOf(lines), { schema: again.schema });
    const back = await exported(onPg, again);
    expect(back.length).to.equal(lines.length);
    const dir = mkdtempSync(path.join(tmpdir(), 'baton-back-'));
    dirs.push(dir);
    await importStore({ database: { kind: 'sqlite', file: path.join(dir, 'baton.db') } }, linesOf(back));
    // then a Baton on that file holds the same, and works on
    const onSqlite = await start({ dir, clock: new ManualClock(sqlite.clock.now()) });
    await expectSameAndWorking(sqlite, onSqlite, ids, prefix);
  });

  it('refuses to import into a PostgreSQL store that holds data, and adds nothing', async () => {
    // given a PostgreSQL store in use
    const postgres = { url: await testDatabaseUrl(), schema: freshSchema('import') };
    schemas.push(postgres.schema);
    const onPg = await start({ postgres });
    await onPg.definitions.deploy(ESCALATION);
    const sqlite = await start();
    await populated(sqlite);
    // when an export is imported into it
    const error = await importStore({ database: { kind: 'postgres', url: postgres.url, poolSize: 2 } }, linesOf(await exported(sqlite)), { schema: postgres.schema }).catch((err: unknown) => err);
    // then it is refused and the store keeps only its own rows
    expect((error as Error).message).to.match(/not empty/);
    expect(await onPg.store.instances.list({})).to.deep.equal([]);
  });
});
