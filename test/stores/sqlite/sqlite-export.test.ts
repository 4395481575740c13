import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { SCHEMA_VERSION } from '../../../server/stores/sqlite/sqlite-schema.js';
import { exportSqlite, importSqlite } from '../../../server/stores/sqlite/sqlite-export.js';
import { openSqliteDatabase } from '../../../server/stores/sqlite/sqlite-store.js';
import { TEST_ADMIN, bpmn, removeDir, type TestBaton } from '../../support/harness.js';
import { startTestServer, useTestServer } from '../../support/test-server.js';

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

/** As `npm run export` does: its own connection to the running Baton's file. */
function exportLines(baton: TestBaton): string[] {
  const lines: string[] = [];
  const db = openSqliteDatabase(baton.file);
  try {
    exportSqlite(db, (line) => lines.push(line.trimEnd()));
  } finally {
    db.close();
  }
  return lines;
}

function rowCount(file: string): number {
  const db = openSqliteDatabase(file);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").all() as { name: string }[];
    return tables.reduce((sum, { name }) => sum + (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n, 0);
  } finally {
    db.close();
  }
}

describe('SQLite export and import', () => {
  const server = useTestServer();
  let source: TestBaton;
  let copy: TestBaton | null = null;
  const ids: { done: string; escalated: string; waiting: string } = { done: '', escalated: '', waiting: '' };
  let target = '';

  beforeEach(async () => {
    // given a store with a finished ticket, one escalated by its timer and one still waiting on it
    source = server.baton;
    await source.definitions.deploy(ESCALATION);
    const start = () => source.instances.start({ processKey: 'escalation', variables: {}, businessKey: null }, 'api');
    const done = await start();
    await source.tasks.complete(done.opened[0]!.id, {}, 'api');
    const escalated = await start();
    source.clock.advance(21 * HOUR);
    await source.scheduler.tick();
    const waiting = await start();
    await source.checkpointer.tick();
    ids.done = done.instance.id;
    ids.escalated = escalated.instance.id;
    ids.waiting = waiting.instance.id;
    target = path.join(mkdtempSync(path.join(tmpdir(), 'baton-import-')), 'baton.db');
  });

  afterEach(async () => {
    await copy?.close();
    if (copy) removeDir(copy.dir);
    copy = null;
    removeDir(path.dirname(target));
  });

  async function importInto(file: string, lines: readonly string[]) {
    const db = openSqliteDatabase(file);
    try {
      return await importSqlite(db, linesOf(lines));
    } finally {
      db.close();
    }
  }

  it('carries definitions, instances, tasks, timers, users and the audit chain intact', async () => {
    // when the store is exported and imported into a new data directory
    const lines = exportLines(source);
    const header = await importInto(target, lines);
    copy = (await startTestServer({ dir: path.dirname(target), clock: source.clock })).baton;
    // then the copy holds the same instances and open tasks, and every chain verifies
    expect(header.schemaVersion).to.equal(SCHEMA_VERSION);
    const summary = async (b: TestBaton) => (await b.instances.list({ limit: 10 })).map((i) => [i.id, i.ticketNumber, i.status]).sort();
    expect(await summary(copy)).to.deep.equal(await summary(source));
    const openTasks = async (b: TestBaton) => (await b.tasks.list({ status: 'open' })).map((t) => [t.instanceId, t.elementId]).sort();
    expect(await openTasks(copy)).to.deep.equal(await openTasks(source));
    for (const id of Object.values(ids)) expect((await copy.audit.verify(id)).valid, id).to.equal(true);
    // and the waiting ticket's timer fires in the copy when its time comes
    copy.clock.advance(21 * HOUR);
    await copy.scheduler.tick();
    expect((await copy.tasks.list({ instanceId: ids.waiting, status: 'open' })).map((t) => t.elementId)).to.deep.equal(['l2']);
    // and the escalated ticket can be finished there, and new tickets continue the numbering
    const [l2] = await copy.tasks.list({ instanceId: ids.escalated, status: 'open' });
    await copy.tasks.complete(l2!.id, {}, 'api');
    expect((await copy.instances.get(ids.escalated)).status).to.equal('completed');
    const next = await copy.instances.start({ processKey: 'escalation', variables: {}, businessKey: null }, 'api');
    expect(next.instance.ticketNumber).to.not.be.oneOf((await source.instances.list({ limit: 10 })).map((i) => i.ticketNumber));
    // and the administrator signs in with the same password
    expect(await copy.auth.signIn(TEST_ADMIN.username, TEST_ADMIN.password, '127.0.0.1', 'token')).to.have.property('secret');
  });

  it('refuses a target that already holds data, and leaves it as it was', async () => {
    // given a target store in use
    const lines = exportLines(source);
    await importInto(target, lines);
    const before = rowCount(target);
    // when the export is imported into it again
    // then it is refused and nothing was added
    await expectRefused(importInto(target, lines), /not empty/);
    expect(rowCount(target)).to.equal(before);
  });

  it('refuses a cut-short export and stores nothing of it', async () => {
    // given an export that lost its last lines
    const lines = exportLines(source);
    // when it is imported
    // then it is refused, naming what is missing, and the target holds no rows
    await expectRefused(importInto(target, lines.slice(0, -3)), /incomplete/);
    expect(rowCount(target)).to.equal(0);
  });

  it('refuses what is not an export, and an export of a newer Baton', async () => {
    await expectRefused(importInto(target, ['hello', 'world']), /not JSON|not a Baton export/);
    const [header, ...rows] = exportLines(source);
    const newer = JSON.stringify({ ...(JSON.parse(header!) as object), schemaVersion: SCHEMA_VERSION + 1 });
    await expectRefused(importInto(target, [newer, ...rows]), /newer Baton/);
    expect(rowCount(target)).to.equal(0);
  });
});

async function expectRefused(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect((err as { code?: string }).code).to.equal('INVALID_INPUT');
    expect((err as Error).message).to.match(message);
    return;
  }
  expect.fail('the import was accepted');
}
