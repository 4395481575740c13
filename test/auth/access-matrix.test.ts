import { expect } from 'chai';

import { addUser, oneTaskProcess, removeDir, startTestBaton, TEST_ADMIN, TEST_PASSWORD, type TestBaton } from '../support/harness.js';
import { listen, type Client, type Http } from '../support/http.js';
import { connectLive, type LiveClient } from '../support/live-client.js';

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

/** Each action with who may do it; everyone else must be refused with nothing changed. */
const ACTIONS: [string, Actor[], (cell: Cell) => Promise<Outcome>][] = [
  ['read the L1 task', ['admin', 'auditor', 'owner', 'staffA'], (c) => c.rest.request('GET', `/api/tasks/${c.taskId}`)],
  ['claim it over REST', ['admin', 'owner', 'staffA'], (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/claim`, {})],
  ['claim it over the socket', ['admin', 'owner', 'staffA'], (c) => emit(c.live, 'task:claim', { taskId: c.taskId })],
  ['comment on it', ['admin', 'owner', 'staffA'], (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/comments`, { text: 'hello' })],
  ['complete it', ['admin', 'owner', 'staffA'], (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/complete`, { variables: {} })],
  ['pass it up', ['admin', 'owner', 'staffA'], (c) => c.rest.request('POST', `/api/tasks/${c.taskId}/pass-up`, { reason: 'too hard' })],
  ['join the L1 room', ['admin', 'auditor', 'owner', 'staffA'], (c) => emit(c.live, 'inbox:join', { department: 'l1' })],
  ['list the L1 queue', ['admin', 'auditor', 'owner', 'staffA'], (c) => c.rest.request('GET', '/api/tasks?department=l1')],
  ['see the unrouted queue', ['admin', 'auditor'], (c) => c.rest.request('GET', '/api/tasks/unrouted')],
  ['read the instance of a task they work on', ['admin', 'auditor', 'owner', 'staffA'], (c) => c.rest.request('GET', `/api/instances/${c.instanceId}`)],
  ["read the instance's audit log", ['admin', 'auditor', 'owner'], (c) => c.rest.request('GET', `/api/instances/${c.instanceId}/audit`)],
  // Staff search by ticket or text, or list theirs with mine=true (test/tickets/ticket-api.test.ts).
  ['list instances', ['admin', 'auditor', 'owner'], (c) => c.rest.request('GET', '/api/instances')],
  ['start an instance', ['admin', 'owner', 'staffA', 'staffB'], (c) => c.rest.request('POST', '/api/instances', { processKey: 'matrix' })],
  ['deploy a process', ['admin', 'owner'], (c) => c.rest.request('POST', '/api/definitions', PROCESS.replace('name="Work"', 'name="Work 2"'), { 'content-type': 'application/xml' })],
  ['cancel the instance', ['admin'], (c) => c.rest.request('POST', `/api/instances/${c.instanceId}/cancel`, { reason: 'test' })],
  ['fire a timer', ['admin'], (c) => c.rest.request('POST', '/api/timers/none/fire')],
  ['list users', ['admin'], (c) => c.rest.request('GET', '/api/users')],
  ['create a department', ['admin'], (c) => c.rest.request('POST', '/api/departments', { id: `d-${c.taskId.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`, name: 'New' })],
];

function emit(live: LiveClient, event: string, payload: unknown): Promise<Outcome> {
  return new Promise((resolve) => (live.socket.emit as (event: string, payload: unknown, ack: (answer: unknown) => void) => void)(event, payload, (answer) => resolve({ ack: answer })));
}

function refused(outcome: Outcome): boolean {
  if ('status' in outcome) return outcome.status === 403;
  return (outcome.ack as { error?: { code: string } }).error?.code === 'FORBIDDEN';
}

describe('Authorisation matrix: role × department × action, REST and socket', () => {
  let baton: TestBaton;
  let http: Http;
  const clients: Partial<Record<Actor, { rest: Client; live: LiveClient }>> = {};

  before(async () => {
    baton = await startTestBaton();
    http = await listen(baton);
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
    await http.close();
    await baton.close();
    removeDir(baton.dir);
  });

  /** Everything a refused action could have touched. */
  function snapshot(): unknown {
    const db = (baton.store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db;
    return ['definitions', 'instances', 'tasks', 'audit_events', 'users', 'departments', 'agenda_jobs'].map((table) =>
      db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
    );
  }

  for (const [what, allowed, act] of ACTIONS) {
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
