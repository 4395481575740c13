import path from 'node:path';

import { expect } from 'chai';

import type { NotificationView } from '../../server/notifications/notification.js';
import type { TaskView } from '../../server/tasks/task-sla.js';
import { addUser, oneTaskProcess, type TestBaton } from '../support/harness.js';
import type { Client, Http } from '../support/http.js';
import { connectLive, type LiveClient } from '../support/live-client.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

interface NotificationList {
  unread: number;
  items: NotificationView[];
}

describe('Staff notifications', () => {
  let sink: SmtpSink;
  const server = useTestServer({ mail: true });
  let baton: TestBaton;
  let http: Http;
  const sockets: LiveClient[] = [];

  beforeEach(async () => {
    baton = server.baton;
    sink = server.mail.sink;
    http = server.http;
    const deployed = await baton.deployDirectory(path.resolve('processes'));
    expect(deployed.filter((result) => result.error)).to.deep.equal([]);
    await addUser(baton, 'fiona', 'staff', ['first-line']);
    await addUser(baton, 'frank', 'staff', ['first-line']);
    await addUser(baton, 'lena', 'staff', ['l1']);
    await addUser(baton, 'leo', 'staff', ['l2']);
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function settled(): Promise<void> {
    await baton.stepNotifications.settled();
  }

  async function notificationsOf(client: Client): Promise<NotificationList> {
    const res = await client.request('GET', '/api/notifications');
    expect(res.status, res.text).to.equal(200);
    return res.body as NotificationList;
  }

  async function openTicket(): Promise<{ id: string; ticketNumber: string; openTasks: { id: string }[] }> {
    const res = await http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    expect(res.status, res.text).to.equal(201);
    await settled();
    return res.body as { id: string; ticketNumber: string; openTasks: { id: string }[] };
  }

  async function openTask(instanceId: string, elementId: string): Promise<TaskView> {
    const tasks = (await http.request('GET', `/api/tasks?instanceId=${instanceId}&status=open`)).body as TaskView[];
    const task = tasks.find((candidate) => candidate.elementId === elementId);
    expect(task, elementId).to.not.equal(undefined);
    return task!;
  }

  it('a new ticket in the queue reaches each member live and in the list; read marks clear the badge in every tab', async () => {
    // given first-line staff with the inbox open (a real socket each)
    const fiona = await http.as('fiona');
    const fionaLive = await connectLive(http.baseUrl, { token: fiona.token });
    const fionaOtherTab = await connectLive(http.baseUrl, { token: fiona.token });
    const lenaLive = await connectLive(http.baseUrl, { token: (await http.as('lena')).token });
    sockets.push(fionaLive, fionaOtherTab, lenaLive);
    // when a ticket opens in the first-line queue
    const ticket = await openTicket();
    // then fiona hears of it at once, with the count of unread
    const pushed = (await fionaLive.waitFor('notification:new')).payload as { notification: NotificationView; unread: number };
    expect(pushed.unread).to.equal(1);
    expect(pushed.notification).to.deep.include({ kind: 'queue', ticketNumber: ticket.ticketNumber, taskId: ticket.openTasks[0]!.id });
    expect(pushed.notification.data).to.include({ taskName: 'Record and try to resolve', department: 'first-line' });
    // and her list has it; frank (same department) too; L1 heard nothing
    const list = await notificationsOf(fiona);
    expect(list.unread).to.equal(1);
    expect(list.items.map((item) => item.kind)).to.deep.equal(['queue']);
    expect((await notificationsOf(await http.as('frank'))).unread).to.equal(1);
    expect(lenaLive.received.filter((item) => item.event === 'notification:new')).to.deep.equal([]);
    // when she marks it read
    const read = await fiona.request('POST', '/api/notifications/read', { ids: [list.items[0]!.id] });
    // then the count is 0 here and in her other tab
    expect(read.body).to.deep.equal({ unread: 0 });
    expect(((await fionaOtherTab.waitFor('notification:read')).payload as { unread: number }).unread).to.equal(0);
    expect((await notificationsOf(fiona)).items[0]!.readAt).to.equal(baton.clock.now().toISOString());
    // and frank's stays unread: each person marks their own
    expect((await notificationsOf(await http.as('frank'))).unread).to.equal(1);
  });

  it('a hand-over to a person tells that person "assigned to you", not the one who handed it over', async () => {
    const ticket = await openTicket();
    const fiona = await http.as('fiona');
    const task = ticket.openTasks[0]!;
    const res = await fiona.request('POST', `/api/tasks/${task.id}/hand-over`, { assignee: 'frank', reason: 'he knows this printer' });
    expect(res.status, res.text).to.equal(200);
    await settled();
    const frank = await notificationsOf(await http.as('frank'));
    expect(frank.items.map((item) => [item.kind, item.data['by']])).to.deep.equal([
      ['assigned', 'fiona'],
      ['queue', 'system'],
    ]);
    expect((await notificationsOf(fiona)).items.map((item) => item.kind)).to.deep.equal(['queue']);
  });

  it('the warning step tells the L1 owner "SLA at risk" in the browser and by email in her language; the SLA shows at risk; the breach tells her too', async () => {
    // given lena (L1) who wants notification emails in Russian, owning the ticket at L1
    const lena = await http.as('lena');
    expect((await lena.request('PATCH', '/api/account', { lang: 'ru', email: 'lena@example.org' })).status).to.equal(200);
    const ticket = await openTicket();
    await http.request('POST', `/api/tasks/${ticket.openTasks[0]!.id}/complete`, { variables: { resolved: false } });
    const l1 = await openTask(ticket.id, 'Task_L1');
    expect((await lena.request('POST', `/api/tasks/${l1.id}/claim`, {})).status).to.equal(200);
    await settled();
    await baton.dispatcher!.tick();
    sink.received.splice(0);
    // when 16 h pass: the "4 h left" timer fires and the process's warning step runs
    baton.clock.advance(16 * HOUR);
    await baton.scheduler.tick();
    await settled();
    // (her token of 16 h ago has expired: she signs in again)
    const lenaNow = await http.as('lena');
    // then the task's SLA is at risk, and lena has a notification saying so (after the one that the task was new in L1's queue)
    const l1Now = await lenaNow.request('GET', `/api/tasks/${l1.id}`);
    expect((l1Now.body as TaskView).sla, l1Now.text).to.equal('at-risk');
    const warned = await notificationsOf(lenaNow);
    expect(warned.items.map((item) => item.kind)).to.deep.equal(['sla-at-risk', 'queue']);
    expect(warned.items[0]).to.deep.include({ taskId: l1.id, ticketNumber: ticket.ticketNumber });
    // and the SLA sweep does not tell her twice
    expect(await baton.slaWatch.sweep()).to.equal(0);
    // and an email in Russian went to her address
    await baton.dispatcher!.tick();
    const [mail] = sink.received.splice(0);
    expect(mail?.rcptTo).to.deep.equal(['lena@example.org']);
    expect(mail?.headers.get('subject')).to.equal(
      `[Baton] ${ticket.ticketNumber}: задача «Resolve (L1)» может нарушить SLA (срок ${new Intl.DateTimeFormat('ru', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(l1.dueAt!))} UTC)`,
    );
    expect(mail?.body).to.contain(`/tickets/${ticket.ticketNumber}`);
    // when the 20 h pass: the ticket escalates to L2 by timer
    baton.clock.advance(4 * HOUR);
    await baton.scheduler.tick();
    await settled();
    // then lena is told the SLA was breached, and L2's queue that the ticket is theirs now
    expect((await notificationsOf(await http.as('lena'))).items.map((item) => item.kind)).to.deep.equal(['sla-breached', 'sla-at-risk', 'queue']);
    expect((await notificationsOf(await http.as('leo'))).items.map((item) => [item.kind, item.data['taskName']])).to.deep.equal([['queue', 'Resolve (L2)']]);
  });

  it('the SLA sweep tells the owner once when a task without SLA timers passes its due date', async () => {
    // given a task with only a due date (no timer in the diagram), claimed by lena
    const due = new Date(baton.clock.now().getTime() + 2 * HOUR).toISOString();
    await baton.definitions.deploy(oneTaskProcess('due-only', `camunda:candidateGroups="l1" camunda:dueDate="${due}"`));
    const started = await http.request('POST', '/api/instances', { processKey: 'due-only' });
    const task = (started.body as { openTasks: { id: string }[] }).openTasks[0]!;
    const lena = await http.as('lena');
    expect((await lena.request('POST', `/api/tasks/${task.id}/claim`, {})).status).to.equal(200);
    await settled();
    // when the sweep runs before and after the due time
    expect(await baton.slaWatch.sweep()).to.equal(0);
    baton.clock.advance(2 * HOUR + 1000);
    expect(await baton.slaWatch.sweep()).to.equal(1);
    expect(await baton.slaWatch.sweep()).to.equal(0);
    // then lena was told once that it is breached
    const list = await notificationsOf(await http.as('lena'));
    expect(list.items.filter((item) => item.kind === 'sla-breached').map((item) => item.taskId)).to.deep.equal([task.id]);
  });

  it('a kind switched off is not shown; switched to email only, it is mailed and not listed', async () => {
    const frank = await http.as('frank');
    await frank.request('PATCH', '/api/account', { email: 'frank@example.org', notifications: { queue: { browser: false, email: true } } });
    const fiona = await http.as('fiona');
    await fiona.request('PATCH', '/api/account', { notifications: { queue: { browser: false, email: false } } });
    await openTicket();
    expect(await notificationsOf(fiona)).to.deep.equal({ unread: 0, items: [] });
    expect(await notificationsOf(frank)).to.deep.equal({ unread: 0, items: [] });
    await baton.dispatcher!.tick();
    // (the customer's own status-link email goes out too; staff notifications are what this counts)
    expect(sink.received.map((mail) => mail.rcptTo[0]).filter((to) => !to?.endsWith('@example.com'))).to.deep.equal(['frank@example.org']);
    expect(sink.received.find((mail) => mail.rcptTo[0] === 'frank@example.org')!.headers.get('subject')).to.match(/is new in the first-line queue/);
  });

  it("notify(kind, …) is callable by other features: a customer reply reaches the task's owner once per key", async () => {
    const ticket = await openTicket();
    const fiona = await http.as('fiona');
    await fiona.request('POST', `/api/tasks/${ticket.openTasks[0]!.id}/claim`, {});
    const reply = () => baton.notifications.notifyTaskHolders('customer-replied', { instanceId: ticket.id, dedupeKey: () => 'customer-replied:message-1', data: { excerpt: 'Still broken' } });
    expect(await reply()).to.have.length(1);
    expect(await reply()).to.have.length(0);
    const list = await notificationsOf(fiona);
    expect(list.items[0]).to.deep.include({ kind: 'customer-replied', ticketNumber: ticket.ticketNumber });
    expect(list.items[0]!.data).to.include({ excerpt: 'Still broken' });
  });

  it('answers bad input with 400 and no credentials with 401, changing nothing', async () => {
    await openTicket();
    const fiona = await http.as('fiona');
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'before=yesterday', 'colour=red']) {
      expect((await fiona.request('GET', `/api/notifications?${query}`)).status, query).to.equal(400);
    }
    for (const body of [{ ids: 'all' }, { ids: [] }, { ids: [42] }, { everything: true }]) {
      expect((await fiona.request('POST', '/api/notifications/read', body)).status, JSON.stringify(body)).to.equal(400);
    }
    expect((await notificationsOf(fiona)).unread).to.equal(1);
    // another person's notification id marks nothing of theirs
    const franks = (await notificationsOf(await http.as('frank'))).items[0]!.id;
    expect((await fiona.request('POST', '/api/notifications/read', { ids: [franks] })).body).to.deep.equal({ unread: 1 });
    expect((await notificationsOf(await http.as('frank'))).unread).to.equal(1);
    expect((await http.anonymous.request('GET', '/api/notifications')).status).to.equal(401);
    expect((await http.anonymous.request('POST', '/api/notifications/read', {})).status).to.equal(401);
  });
});
