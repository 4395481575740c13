import { expect } from 'chai';

import type { TaskAck, TaskCreatedEvent, TaskRemovedEvent, TaskUpdatedEvent } from '../../server/live/live-events.js';
import type { TaskView } from '../../server/tasks/task-sla.js';
import { addUser, bpmn, oneTaskProcess, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { connectLive, refusedLive, settle, type LiveClient, type LiveSocket } from '../support/live-client.js';
import { useTestServer } from '../support/test-server.js';

/** One user task in the department the `dept` variable names. */
const PROCESS = oneTaskProcess('ticket', 'camunda:candidateGroups="${dept}"');

function ack(socket: LiveSocket, event: 'task:claim' | 'task:release' | 'inbox:join', payload: unknown): Promise<TaskAck | { error: { code: string } } | { ok: true; room: string }> {
  return new Promise((resolve) => (socket.emit as (event: string, payload: unknown, ack: (answer: never) => void) => void)(event, payload, resolve));
}

describe('Live inbox over Socket.IO', () => {
  const server = useTestServer();
  let baton: TestBaton;
  let http: Http;
  const clients: LiveClient[] = [];

  beforeEach(async () => {
    baton = server.baton;
    http = server.http;
    await baton.definitions.deploy(PROCESS);
    for (const [name, department] of [
      ['ada', 'l1'],
      ['bob', 'l1'],
      ['lena', 'l2'],
      ['pat', 'payments'],
    ] as const)
      await addUser(baton, name, 'staff', [department]);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  async function connect(username: string): Promise<LiveClient> {
    const { token } = await http.as(username);
    const client = await connectLive(http.baseUrl, { token });
    clients.push(client);
    return client;
  }

  async function startTicket(dept: string): Promise<{ taskId: string; savedAt: number }> {
    const res = await http.request('POST', '/api/instances', { processKey: 'ticket', variables: { dept } });
    return { taskId: (res.body as { openTasks: { id: string }[] }).openTasks[0]!.id, savedAt: Date.now() };
  }

  it("delivers a task created in L1 to both L1 staff within the same second, never to another department's staff", async () => {
    // given two L1 staff and one payments staff connected
    const [ada, bob, pat] = await Promise.all([connect('ada'), connect('bob'), connect('pat')]);
    // when a ticket opens a task in L1
    const before = Date.now();
    const { taskId } = await startTicket('l1');
    // then both L1 sockets get task:created with version 1 within a second
    for (const client of [ada, bob]) {
      const got = await client.waitFor('task:created', (event: TaskCreatedEvent) => event.task.id === taskId, 1000);
      expect(got.at - before).to.be.below(1000);
      expect((got.payload as TaskCreatedEvent).version).to.equal(1);
      expect((got.payload as TaskCreatedEvent).task).to.include({ id: taskId, department: 'l1', status: 'open', assignee: null });
    }
    // and payments never hears of it
    await settle();
    expect(pat.received).to.deep.equal([]);
  });

  it('gives exactly one owner when two sockets claim at once; both see the claim', async () => {
    const [ada, bob] = await Promise.all([connect('ada'), connect('bob')]);
    const { taskId } = await startTicket('l1');
    const answers = await Promise.all([ack(ada.socket, 'task:claim', { taskId, version: 1 }), ack(bob.socket, 'task:claim', { taskId, version: 1 })]);
    const ok = answers.filter((answer) => 'ok' in answer);
    const refused = answers.filter((answer) => 'error' in answer) as { error: { code: string } }[];
    expect(ok).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]!.error.code).to.be.oneOf(['VERSION_CONFLICT', 'CONFLICT']);
    const owner = (await baton.store.tasks.get(taskId))!.assignee;
    expect(owner).to.be.oneOf(['ada', 'bob']);
    for (const client of [ada, bob]) {
      const update = await client.waitFor('task:updated', (event: TaskUpdatedEvent) => event.task.id === taskId);
      expect(update.payload).to.deep.include({ change: 'claimed', version: 2 });
      expect((update.payload as TaskUpdatedEvent).task.assignee).to.equal(owner);
    }
  });

  it("moves a passed-up task to the parent department's room", async () => {
    const [ada, lena, pat] = await Promise.all([connect('ada'), connect('lena'), connect('pat')]);
    const { taskId } = await startTicket('l1');
    await ada.waitFor('task:created');
    // when ada passes it up from L1 to L2
    const ada2 = await http.as('ada');
    expect((await ada2.request('POST', `/api/tasks/${taskId}/pass-up`, { reason: 'beyond first level' })).status).to.equal(200);
    // then L2 gets the update, L1 is told it moved away, payments hears nothing
    const moved = await ada.waitFor('task:removed', (event: TaskRemovedEvent) => event.taskId === taskId);
    expect(moved.payload).to.deep.equal({ taskId, version: 2, reason: 'moved' });
    const arrived = await lena.waitFor('task:updated', (event: TaskUpdatedEvent) => event.task.id === taskId);
    expect(arrived.payload).to.deep.include({ change: 'passed-up', version: 2 });
    expect((arrived.payload as TaskUpdatedEvent).task.department).to.equal('l2');
    await settle();
    expect(pat.received).to.deep.equal([]);
    expect(lena.received.filter((item) => item.event === 'task:created')).to.deep.equal([]);
  });

  it('removes a completed task from the inbox of everyone who saw it', async () => {
    const [ada, bob] = await Promise.all([connect('ada'), connect('bob')]);
    const { taskId } = await startTicket('l1');
    const ada2 = await http.as('ada');
    await ada2.request('POST', `/api/tasks/${taskId}/complete`, { variables: {} });
    for (const client of [ada, bob]) {
      const removed = await client.waitFor('task:removed', (event: TaskRemovedEvent) => event.taskId === taskId);
      expect(removed.payload).to.deep.equal({ taskId, version: 2, reason: 'completed' });
    }
  });

  it('a client that was disconnected while three tasks were created finds all three through REST after reconnecting', async () => {
    // given ada connected, then cut off
    const ada = await connect('ada');
    ada.socket.disconnect();
    // when three tasks open in L1 meanwhile
    const opened = [];
    for (let i = 0; i < 3; i++) opened.push((await startTicket('l1')).taskId);
    // then after reconnecting, the inbox re-sync from REST holds all three (the events were missed)
    ada.socket.connect();
    await new Promise((resolve) => ada.socket.once('connect', () => resolve(undefined)));
    expect(ada.received).to.deep.equal([]);
    const ada2 = await http.as('ada');
    const inbox = (await ada2.request('GET', '/api/tasks')).body as TaskView[];
    expect(inbox.map((task) => task.id)).to.include.members(opened);
    // and the reconnected socket gets the next one live
    const { taskId } = await startTicket('l1');
    await ada.waitFor('task:created', (event: TaskCreatedEvent) => event.task.id === taskId);
  });

  it('tells the room when a task falls at risk, and when its escalation replaces it with an L2 task', async () => {
    // given a ticket whose L1 task warns at 16 h and escalates to L2 at 20 h
    await baton.definitions.deploy(
      bpmn(
        'sla',
        `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="l1" />
         <bpmn:userTask id="l1" name="Resolve (L1)" camunda:candidateGroups="l1" />
         <bpmn:boundaryEvent id="warn" attachedToRef="l1" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>PT16H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
         <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration>PT20H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
         <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="end" /><bpmn:sequenceFlow id="f3" sourceRef="warn" targetRef="warned" /><bpmn:endEvent id="warned" />
         <bpmn:sequenceFlow id="f4" sourceRef="escalate" targetRef="l2" /><bpmn:userTask id="l2" name="Resolve (L2)" camunda:candidateGroups="l2" />
         <bpmn:sequenceFlow id="f5" sourceRef="l2" targetRef="end" /><bpmn:endEvent id="end" />`,
      ),
    );
    const [ada, lena] = await Promise.all([connect('ada'), connect('lena')]);
    const { opened } = await baton.instances.start({ processKey: 'sla', variables: {}, businessKey: null }, 'test');
    const l1Task = opened[0]!.id;
    // when 16 h pass
    baton.clock.advance(16 * 3_600_000 + 1000);
    await baton.scheduler.tick();
    // then L1 hears the task is at risk
    const risk = await ada.waitFor('task:updated', (event: TaskUpdatedEvent) => event.task.id === l1Task && event.change === 'sla');
    expect((risk.payload as TaskUpdatedEvent).task.sla).to.equal('at-risk');
    // when 20 h pass
    baton.clock.advance(4 * 3_600_000);
    await baton.scheduler.tick();
    // then the L1 task leaves L1's inbox and the escalated task arrives in L2's
    await ada.waitFor('task:removed', (event: TaskRemovedEvent) => event.taskId === l1Task && event.reason === 'cancelled');
    const escalated = await lena.waitFor('task:created', (event: TaskCreatedEvent) => event.task.elementId === 'l2');
    expect((escalated.payload as TaskCreatedEvent).task.department).to.equal('l2');
    // and its owner chain starts with the escalation
    const l2Task = (await baton.store.tasks.get((escalated.payload as TaskCreatedEvent).task.id))!;
    expect(l2Task.history[0]).to.include({ action: 'escalated', by: 'timer', department: 'l2' });
  });

  describe('handshake and membership', () => {
    it('refuses a connection without credentials, with a bad token, and a cookie from another origin', async () => {
      expect(await refusedLive(http.baseUrl, {})).to.match(/Sign in/);
      expect(await refusedLive(http.baseUrl, { token: 'made-up' })).to.match(/Sign in/);
      const session = await http.session('ada');
      expect(await refusedLive(http.baseUrl, {}, { cookie: session.cookie, origin: 'https://evil.example' })).to.match(/Cross-origin/);
      // and the root namespace, where nothing lives
      const { token } = await http.as('ada');
      expect(await refusedLive(http.baseUrl, { token }, {}, '/')).to.match(/\/inbox namespace/);
    });

    it('accepts the browser session cookie, and drops the socket on sign-out', async () => {
      const session = await http.session('ada');
      const ada = await connectLive(http.baseUrl, { cookie: session.cookie });
      clients.push(ada);
      const { taskId } = await startTicket('l1');
      await ada.waitFor('task:created', (event: TaskCreatedEvent) => event.task.id === taskId);
      const dropped = new Promise((resolve) => ada.socket.once('disconnect', resolve));
      expect((await session.request('POST', '/api/auth/logout')).status).to.equal(204);
      expect(await dropped).to.equal('io server disconnect');
    });

    it('drops the socket of a user who is disabled', async () => {
      const ada = await connect('ada');
      const dropped = new Promise((resolve) => ada.socket.once('disconnect', resolve));
      const user = await baton.store.users.getByUsername('ada');
      await http.request('PATCH', `/api/users/${user!.id}`, { disabled: true });
      expect(await dropped).to.equal('io server disconnect');
    });

    it('drops a socket once its token expires', async () => {
      const ada = await connect('ada');
      const dropped = new Promise((resolve) => ada.socket.once('disconnect', resolve));
      baton.clock.advance(2 * 3_600_000);
      http.live.dropExpired();
      expect(await dropped).to.equal('io server disconnect');
    });

    it("re-evaluates rooms when a user's departments change", async () => {
      // given ada in L1, connected
      const ada = await connect('ada');
      const user = await baton.store.users.getByUsername('ada');
      // when an admin moves her to payments
      await http.request('PATCH', `/api/users/${user!.id}`, { departments: ['payments'] });
      await settle(50);
      // then she gets payments tasks and no longer L1 tasks
      const l1 = await startTicket('l1');
      const payments = await startTicket('payments');
      await ada.waitFor('task:created', (event: TaskCreatedEvent) => event.task.id === payments.taskId);
      await settle();
      expect(ada.received.some((item) => (item.payload as TaskCreatedEvent).task?.id === l1.taskId)).to.equal(false);
    });
  });

  describe('bad commands: an ack with an error, nothing changed, the socket still usable', () => {
    it('answers malformed payloads, unknown tasks, stale versions and forbidden rooms', async () => {
      const ada = await connect('ada');
      const { taskId } = await startTicket('l1');
      const payments = await startTicket('payments');
      const cases: [string, 'task:claim' | 'inbox:join', unknown, string][] = [
        ['a payload that is no object', 'task:claim', 'claim it', 'INVALID_INPUT'],
        ['a payload without a task id', 'task:claim', { version: 1 }, 'INVALID_INPUT'],
        ['a version that is no number', 'task:claim', { taskId, version: 'one' }, 'INVALID_INPUT'],
        ['an unknown task', 'task:claim', { taskId: 'nope' }, 'NOT_FOUND'],
        ['a stale version', 'task:claim', { taskId, version: 7 }, 'VERSION_CONFLICT'],
        ["another department's task", 'task:claim', { taskId: payments.taskId }, 'FORBIDDEN'],
        ["another department's room", 'inbox:join', { department: 'payments' }, 'FORBIDDEN'],
        ['a room payload with extra fields', 'inbox:join', { department: 'l1', all: true }, 'INVALID_INPUT'],
      ];
      for (const [what, event, payload, code] of cases) {
        const answer = await ack(ada.socket, event, payload);
        expect(answer, what).to.have.nested.property('error.code', code);
      }
      // nothing changed
      expect((await baton.store.tasks.get(taskId))!).to.include({ version: 1, assignee: null });
      expect((await baton.store.tasks.get(payments.taskId))!).to.include({ version: 1, assignee: null });
      // and the socket still works
      expect(ada.socket.connected).to.equal(true);
      const claimed = (await ack(ada.socket, 'task:claim', { taskId, version: 1 })) as { ok: true; task: { assignee: string } };
      expect(claimed.task.assignee).to.equal('ada');
      expect(await ack(ada.socket, 'inbox:join', { department: 'l1' })).to.deep.equal({ ok: true, room: 'department:l1' });
    });
  });
});
