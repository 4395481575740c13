import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import type { IntakeAnswer, IntakeForm } from '../../server/customer/status-view.js';
import { connectStatus, FIELD_SERVICE, REQUEST, type StatusClient } from '../customer/customer-support.js';
import { addUser, oneTaskProcess } from '../support/harness.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const PROCESS = oneTaskProcess('ticket', 'camunda:candidateGroups="l1"');

/**
 * Two Baton nodes on one PostgreSQL schema, each with its own HTTP server and Socket.IO: what one
 * node does, a client of the other sees (live events through @socket.io/postgres-adapter), and
 * state that used to live in one process (intake stamps, sign-in limits) holds across them.
 */
describe('Two nodes on one PostgreSQL: live events and shared limits', function () {
  this.timeout(60_000);
  let schema: string;
  let nodes: TestServer[] = [];
  const sockets: { close(): void }[] = [];

  beforeEach(async () => {
    schema = freshSchema('nodes');
    const postgres = { url: await testDatabaseUrl(), schema };
    const clock = new ManualClock();
    for (let i = 0; i < 2; i += 1) {
      nodes.push(await startTestServer({ postgres, clock }));
    }
    await nodes[0]!.baton.definitions.deploy(PROCESS);
    await nodes[0]!.baton.definitions.deploy(FIELD_SERVICE);
    await addUser(nodes[0]!.baton, 'ada', 'staff', ['l1']);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    for (const server of nodes) await server.close();
    nodes = [];
    await dropSchema(schema);
  });

  const node = (i: 0 | 1) => nodes[i]!;

  it('delivers a task created through node A to an inbox connected to node B', async () => {
    // given ada's inbox connected to node B
    const { token } = await node(1).http.as('ada');
    const inbox: LiveClient = await connectLive(node(1).http.baseUrl, { token });
    sockets.push(inbox);
    // when a ticket is started through node A
    const started = await node(0).http.request('POST', '/api/instances', { processKey: 'ticket', variables: {} });
    expect(started.status, started.text).to.equal(201);
    const taskId = (started.body as { openTasks: { id: string }[] }).openTasks[0]!.id;
    // then node B's socket hears of the task
    const created = await inbox.waitFor('task:created', (payload: { task: { id: string } }) => payload.task.id === taskId, 5000);
    expect((created.payload as { version: number }).version).to.equal(1);
    // and a claim through node B reaches it as an update (the event came back through the database)
    const claimed = await (await node(1).http.as('ada')).request('POST', `/api/tasks/${taskId}/claim`, {});
    expect(claimed.status, claimed.text).to.equal(200);
    await inbox.waitFor('task:updated', (payload: { task: { id: string } }) => payload.task.id === taskId, 5000);
  });

  it('drops a socket on node B at once when its token is revoked through node A, and when its user is disabled there', async () => {
    // given ada's socket on node B, with a token that is then revoked through node A
    const ada = await node(1).http.as('ada');
    const inbox = await connectLive(node(1).http.baseUrl, { token: ada.token });
    sockets.push(inbox);
    const dropped = new Promise<string>((resolve) => inbox.socket.once('disconnect', (reason) => resolve(reason)));
    const revoked = await node(0).http.anonymous.request('DELETE', '/api/auth/token', undefined, { authorization: `Bearer ${ada.token}` });
    expect(revoked.status, revoked.text).to.be.oneOf([200, 204]);
    // then node B's socket is disconnected by the server
    expect(await dropped).to.equal('io server disconnect');
    // given a new socket on node B, when ada is disabled through node A
    const again = await connectLive(node(1).http.baseUrl, { token: (await node(1).http.as('ada')).token });
    sockets.push(again);
    const droppedAgain = new Promise<string>((resolve) => again.socket.once('disconnect', (reason) => resolve(reason)));
    const users = (await node(0).http.request('GET', '/api/users')).body as { id: string; username: string }[];
    const id = users.find((user) => user.username === 'ada')!.id;
    expect((await node(0).http.request('PATCH', `/api/users/${id}`, { disabled: true })).status).to.equal(200);
    // then it is disconnected too
    expect(await droppedAgain).to.equal('io server disconnect');
  });

  it('accepts on node B an intake form served by node A, and the status page on A follows a change made through B', async () => {
    // given the intake form served by node A, filled in for a few seconds
    const form = await node(0).http.anonymous.request('GET', '/api/public/processes/field-service/intake');
    node(0).baton.clock.advance(3000);
    // when it is sent to node B
    const sent = await node(1).http.anonymous.request('POST', '/api/public/processes/field-service/requests', {
      data: REQUEST,
      formStamp: (form.body as IntakeForm).formStamp,
      website: '',
    });
    // then node B accepts the stamp node A signed
    expect(sent.status, sent.text).to.equal(201);
    const receipt = sent.body as IntakeAnswer;
    // and a status page socket on node A hears the dispatch done through node B
    const status: StatusClient = await connectStatus(node(0).http.baseUrl, receipt.token);
    sockets.push(status);
    const before = status.changes;
    const found = await node(1).http.request('GET', `/api/instances?ticket=${receipt.ticketNumber}`);
    const instanceId = (found.body as { id: string }[])[0]!.id;
    const tasks = await node(1).http.request('GET', `/api/tasks?instanceId=${instanceId}&status=open`);
    const dispatch = (tasks.body as { id: string }[])[0]!;
    // nobody worked in technicians when the request came, so a dispatcher chooses tom, who joined since
    expect((await node(1).http.request('POST', '/api/users', { username: 'tom', password: 'staff-password-for-tests', role: 'staff', departments: ['technicians'] })).status).to.equal(201);
    const done = await node(1).http.request('POST', `/api/tasks/${dispatch.id}/complete`, { variables: { technician: 'tom' } });
    expect(done.status, done.text).to.equal(200);
    await status.nextChange(before, 5000);
  });

  it('counts failed sign-ins of one user and address across both nodes', async () => {
    // given four failed sign-ins, alternating between the nodes
    const attempt = (i: 0 | 1) => node(i).http.anonymous.request('POST', '/api/auth/token', { username: 'ada', password: 'wrong-password-123' });
    for (const i of [0, 1, 0, 1] as const) expect((await attempt(i)).status).to.equal(401);
    // when the fifth fails on node A
    expect((await attempt(0)).status).to.equal(401);
    // then node B refuses the next attempt too, with Retry-After
    const refused = await attempt(1);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
  });
});
