import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { addUser, oneTaskProcess, TEST_ADMIN, TEST_PASSWORD, type TestBaton } from '../support/harness.js';
import type { Client, Http } from '../support/http.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { useTestServer } from '../support/test-server.js';

const PROCESS = oneTaskProcess('matrix', 'camunda:candidateGroups="l1"');

type Actor = 'admin' | 'auditor' | 'owner' | 'staffA' | 'staffB';
const ACTORS: Actor[] = ['admin', 'auditor', 'owner', 'staffA', 'staffB'];

interface Cell {
  /** A fresh L1 task and its instance for every cell. */
  taskId: string;
  instanceId: string;
  rest: Client;
  live: LiveClient;
}

type Outcome = { status: number } | { ack: unknown };

/**
 * How each action of the matrix is tried. Who may do it is not here: it is the access table in
 * README.md ("Access matrix"), parsed below, so the documentation and the test are one source.
 */
const ACTIONS: Record<string, (cell: Cell) => Promise<Outcome>> = Object.fromEntries([
  ['read the L1 task', (c) => c.rest.request('GET', `/api/tasks/${c.taskId}`)],
  ['claim it over REST', (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/claim`, {})],
  ['claim it over the socket', (c) => emit(c.live, 'task:claim', { taskId: c.taskId })],
  ['comment on it', (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/comments`, { text: 'hello' })],
  ['complete it', (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/complete`, { variables: {} })],
  ['pass it up', (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/pass-up`, { reason: 'too hard' })],
  ['join the L1 room', (c) => emit(c.live, 'inbox:join', { department: 'l1' })],
  ['list the L1 queue', (c) => c.rest.request('GET', '/api/tasks?department=l1')],
  ['see the unrouted queue', (c) => c.rest.request('GET', '/api/tasks/unrouted')],
  ['read the instance of a task they work on', (c) => c.rest.request('GET', `/api/instances/${c.instanceId}`)],
  ["read the instance's audit log", (c) => c.rest.request('GET', `/api/instances/${c.instanceId}/audit`)],
  ['list instances', (c) => c.rest.request('GET', '/api/instances')],
  ['start an instance', (c) => c.rest.request('POST', '/api/instances', { processKey: 'matrix' })],
  ['deploy a process', (c) => c.rest.request('POST', '/api/definitions', PROCESS.replace('name="Work"', 'name="Work 2"'), { 'content-type': 'application/xml' })],
  ['cancel the instance', (c) => c.rest.request('POST', `/api/instances/${c.instanceId}/cancel`, { reason: 'test' })],
  ['fire a timer', (c) => c.rest.request('POST', '/api/timers/none/fire')],
  ['verify the audit log', (c) => c.rest.request('GET', `/api/instances/${c.instanceId}/audit/verify`)],
  ['replay the instance', (c) => c.rest.request('GET', `/api/instances/${c.instanceId}/replay`)],
  ["read the customer's feedback", (c) => c.rest.request('GET', `/api/instances/${c.instanceId}/customer`)],
  ['hand it over to L2', (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/hand-over`, { department: 'l2', reason: 'needs L2' })],
  ['retry an incident', (c) => c.rest.request('POST', `/api/instances/${c.instanceId}/incidents/none/retry`, { reason: 'test' })],
  ['see the metrics', (c) => c.rest.request('GET', '/metrics')],
  [
    'create a user',
    (c) =>
      c.rest.request('POST', '/api/users', {
        username: `u-${c.taskId
          .slice(-8)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, 'x')}`,
        password: 'long-enough-password',
        role: 'staff',
        departments: ['l1'],
        skills: [],
      }),
  ],
  ['list users', (c) => c.rest.request('GET', '/api/users')],
  [
    'create a department',
    (c) =>
      c.rest.request('POST', '/api/departments', {
        id: `d-${c.taskId
          .slice(-6)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, 'x')}`,
        name: 'New',
      }),
  ],
]);

/** The README's access table: action → the actors it marks ✓. */
function readmeMatrix(): Map<string, Actor[]> {
  const readme = readFileSync(path.resolve('README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- access-matrix:start -->'), readme.indexOf('<!-- access-matrix:end -->'));
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !line.startsWith('|---'));
  const header =
    rows
      .shift()
      ?.split('|')
      .slice(2, -1)
      .map((cell) => cell.trim()) ?? [];
  const columns = header.map((title) => COLUMN_ACTORS[title]);
  if (columns.some((actor) => actor === undefined)) throw new Error(`README access matrix: unknown column in ${header.join(', ')}`);
  const matrix = new Map<string, Actor[]>();
  for (const row of rows) {
    const cells = row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const action = cells[0]!;
    matrix.set(action, columns.filter((_actor, index) => cells[index + 1] === '✓') as Actor[]);
  }
  return matrix;
}

/** The README's column titles and the test's actors. */
const COLUMN_ACTORS: Record<string, Actor | undefined> = {
  admin: 'admin',
  'process-owner (L1)': 'owner',
  'staff (L1)': 'staffA',
  'staff (Payments)': 'staffB',
  auditor: 'auditor',
};

function emit(live: LiveClient, event: string, payload: unknown): Promise<Outcome> {
  return new Promise((resolve) => (live.socket.emit as (event: string, payload: unknown, ack: (answer: unknown) => void) => void)(event, payload, (answer) => resolve({ ack: answer })));
}

function refused(outcome: Outcome): boolean {
  if ('status' in outcome) return outcome.status === 403;
  return (outcome.ack as { error?: { code: string } }).error?.code === 'FORBIDDEN';
}

describe('Authorisation matrix: role × department × action, REST and socket', () => {
  const server = useTestServer({ scope: 'all' });
  let baton: TestBaton;
  let http: Http;
  const clients: Partial<Record<Actor, { rest: Client; live: LiveClient }>> = {};

  before(async () => {
    baton = server.baton;
    http = server.http;
    await baton.definitions.deploy(PROCESS);
    await addUser(baton, 'auditor', 'auditor');
    await addUser(baton, 'owner', 'process-owner', ['l1']);
    await addUser(baton, 'staff-a', 'staff', ['l1']);
    await addUser(baton, 'staff-b', 'staff', ['payments']);
    const names: Record<Actor, [string, string]> = {
      admin: [TEST_ADMIN.username, TEST_ADMIN.password],
      auditor: ['auditor', TEST_PASSWORD],
      owner: ['owner', TEST_PASSWORD],
      staffA: ['staff-a', TEST_PASSWORD],
      staffB: ['staff-b', TEST_PASSWORD],
    };
    for (const actor of ACTORS) {
      const rest = await http.as(...names[actor]);
      clients[actor] = { rest, live: await connectLive(http.baseUrl, { token: rest.token }) };
    }
  });

  after(async () => {
    for (const client of Object.values(clients)) client.live.close();
  });

  /** Everything a refused action could have touched. */
  function snapshot(): unknown {
    const db = (baton.store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db;
    return ['definitions', 'instances', 'tasks', 'audit_events', 'users', 'departments', 'agenda_jobs'].map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all());
  }

  const matrix = readmeMatrix();
  it('the README table and the actions tried here name the same actions', () => {
    expect([...matrix.keys()].sort()).to.deep.equal(Object.keys(ACTIONS).sort());
  });

  for (const [what, allowed] of matrix) {
    const act = ACTIONS[what];
    if (!act) continue;
    for (const actor of ACTORS) {
      const may = allowed.includes(actor);
      it(`${actor} ${may ? 'may' : 'may not'} ${what}`, async () => {
        // given a fresh L1 task
        const { opened, instance } = await baton.instances.start({ processKey: 'matrix', variables: {}, businessKey: null }, 'test');
        const cell: Cell = { taskId: opened[0]!.id, instanceId: instance.id, ...clients[actor]! };
        const before = snapshot();
        // when the actor tries
        const outcome = await act(cell);
        // then an allowed action is not refused; a forbidden one is refused and changed nothing
        if (may) {
          expect(refused(outcome), JSON.stringify(outcome)).to.equal(false);
          if ('status' in outcome) expect(outcome.status).to.not.equal(401);
        } else {
          expect(refused(outcome), JSON.stringify(outcome)).to.equal(true);
          expect(snapshot()).to.deep.equal(before);
        }
      });
    }
  }
});
