import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';

import type { StoryEntry, TicketView } from '../../server/tickets/ticket.js';
import { TICKETS_NAMESPACE, type TicketClientEvents, type TicketServerEvents } from '../../server/tickets/ticket-live.js';
import { addUser, bpmn } from '../support/harness.js';
import { connectLive } from '../support/live-client.js';
import type { Client } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const HELPDESK = readFileSync(path.join(import.meta.dirname, '../../processes/helpdesk-escalation.bpmn'), 'utf8');

interface Started {
  id: string;
  ticketNumber: string;
  statusUrl: string | null;
  openTasks: { id: string; department: string }[];
}

/**
 * The service desk over HTTP: who finds a ticket (everyone it ever passed through, nobody else),
 * its story as the next level reads it, the conversation with the customer, the status lookup.
 */
describe('service desk tickets over HTTP', () => {
  const server = useTestServer({ deploy: [HELPDESK] });
  let fiona: Client;
  let lina: Client & { token: string };
  let bob: Client & { token: string };
  let ticket: Started;

  beforeEach(async () => {
    const { baton, http } = server;
    await addUser(baton, 'fiona', 'staff', ['first-line']);
    await addUser(baton, 'lina', 'staff', ['l1']);
    await addUser(baton, 'bob', 'staff', ['payments']);
    await addUser(baton, 'audrey', 'auditor');
    [fiona, lina, bob] = await Promise.all([http.as('fiona'), http.as('lina'), http.as('bob')]);
    // given a caller's ticket opened by first line and passed on to L1 with a note
    const res = await fiona.request('POST', '/api/instances', {
      processKey: 'helpdesk-escalation',
      variables: { customerName: 'Eva Stone', customerEmail: 'eva@example.com', customerPhone: '+7 900 123-45-67', problem: 'Cannot print invoices' },
    });
    expect(res.status, res.text).to.equal(201);
    ticket = res.body as Started;
    const first = ticket.openTasks[0]!;
    const done = await fiona.request('POST', `/api/tasks/${first.id}/complete`, { variables: { resolved: false, resolution: 'Printer driver reinstalled; still fails' } });
    expect(done.status, done.text).to.equal(200);
  });

  const ids = (res: { body: unknown }) => (res.body as { id: string }[]).map((row) => row.id);

  it('gives the start a status link when the customer has a contact, and mails it with the ticket number', async () => {
    expect(ticket.statusUrl).to.match(/\/status\/[A-Za-z0-9_-]{43}$/);
    const mails = await server.baton.store.outbox.forInstance(ticket.id);
    const opened = mails.find((mail) => String(mail.payload['subject']).includes(ticket.ticketNumber));
    expect(opened?.payload['to']).to.equal('eva@example.com');
    expect(String(opened?.payload['body'])).to.include(ticket.statusUrl!);
  });

  it('lets first line find the ticket after it moved on: by number, email, phone and note text', async () => {
    for (const query of [`ticket=${ticket.ticketNumber}`, `ticket=${ticket.ticketNumber.toLowerCase()}`, 'q=eva@example.com', 'q=123-45-67', 'q=DRIVER%20reinstalled', `q=${ticket.ticketNumber}`]) {
      const res = await fiona.request('GET', `/api/instances?${query}`);
      expect(res.status, query).to.equal(200);
      expect(ids(res), query).to.deep.equal([ticket.id]);
    }
    expect((await fiona.request('GET', `/api/instances/${ticket.id}`)).status).to.equal(200);
    expect((await fiona.request('GET', `/api/tickets/${ticket.ticketNumber}`)).status).to.equal(200);
  });

  it('hides the ticket from a department that never touched it: not found by search, 403 on read', async () => {
    expect(ids(await bob.request('GET', `/api/instances?ticket=${ticket.ticketNumber}`))).to.deep.equal([]);
    expect(ids(await bob.request('GET', '/api/instances?q=eva'))).to.deep.equal([]);
    expect(ids(await bob.request('GET', '/api/instances?mine=true'))).to.deep.equal([]);
    expect(ids(await fiona.request('GET', '/api/instances?mine=true'))).to.deep.equal([ticket.id]);
    // listing everything stays the readers' (the audit search)
    expect((await bob.request('GET', '/api/instances')).status).to.equal(403);
    expect((await bob.request('GET', `/api/instances/${ticket.id}`)).status).to.equal(403);
    expect((await bob.request('GET', `/api/tickets/${ticket.ticketNumber}`)).status).to.equal(403);
    const l1Task = (await lina.request('GET', '/api/tasks')).body as { id: string }[];
    expect((await bob.request('GET', `/api/tasks/${l1Task[0]!.id}`)).status).to.equal(403);
    expect((await bob.request('GET', `/api/instances/${ticket.id}/conversation`)).status).to.equal(403);
    expect((await bob.request('POST', `/api/instances/${ticket.id}/conversation`, { text: 'hello' })).status).to.equal(403);
    // and an unknown ticket is 404 for everyone
    expect((await bob.request('GET', '/api/tickets/HD-999999')).status).to.equal(404);
  });

  it('lets a person who once held a task find the ticket even after leaving that department', async () => {
    // given lina claims the L1 task, then hands it over to L2
    const [task] = (await lina.request('GET', '/api/tasks')).body as { id: string }[];
    expect((await lina.request('POST', `/api/tasks/${task!.id}/claim`, {})).status).to.equal(200);
    expect((await lina.request('POST', `/api/tasks/${task!.id}/hand-over`, { department: 'l2', reason: 'Needs the print server team' })).status).to.equal(200);
    // when her department changes to payments only
    const user = await server.baton.store.users.getByUsername('lina');
    await server.baton.users.update(user!.id, { departments: ['payments'] });
    const again = await server.http.as('lina');
    // then she still finds it (she acted on it), while bob of payments does not
    expect(ids(await again.request('GET', `/api/instances?ticket=${ticket.ticketNumber}`))).to.deep.equal([ticket.id]);
    expect(ids(await bob.request('GET', `/api/instances?ticket=${ticket.ticketNumber}`))).to.deep.equal([]);
  });

  it("shows the next level the first line's note, form answers and the customer in the task and ticket", async () => {
    const [task] = (await lina.request('GET', '/api/tasks')).body as { id: string }[];
    const res = await lina.request('GET', `/api/tasks/${task!.id}`);
    expect(res.status, res.text).to.equal(200);
    const view = (res.body as { ticket: TicketView }).ticket;
    expect(view.customer).to.deep.equal({ name: 'Eva Stone', email: 'eva@example.com', phone: '+7 900 123-45-67' });
    expect(view.problem).to.equal('Cannot print invoices');
    const completed = view.story.find((entry: StoryEntry) => entry.type === 'completed');
    expect(completed?.actor).to.equal('fiona');
    expect(completed?.answers).to.deep.include({ key: 'resolution', label: 'What did you find, and what did you do?', value: 'Printer driver reinstalled; still fails' });
    // the caller's answers carry the start form's labels
    expect(view.story[0]!.answers).to.deep.include({ key: 'problem', label: 'Problem', value: 'Cannot print invoices' });
    expect(view.activeElements).to.deep.equal(['Task_L1']);
    expect(view.openTasks.map((open) => open.department)).to.deep.equal(['l1']);
  });

  it('carries the conversation: staff write (emailed), the customer answers on the status link, notes stay internal', async () => {
    const [task] = (await lina.request('GET', '/api/tasks')).body as { id: string }[];
    await lina.request('POST', `/api/tasks/${task!.id}/comments`, { text: 'internal: customer sounds angry' });
    const written = await lina.request('POST', `/api/instances/${ticket.id}/conversation`, { text: 'Which printer model do you use?' });
    expect(written.status, written.text).to.equal(201);
    const mail = (await server.baton.store.outbox.forInstance(ticket.id)).find((message) => String(message.payload['body']).includes('Which printer model'));
    expect(mail?.payload['to']).to.equal('eva@example.com');
    const token = ticket.statusUrl!.split('/').pop()!;
    const answered = await server.http.anonymous.request('POST', `/api/public/status/${token}/conversation`, { text: 'An HP LaserJet 4000' });
    expect(answered.status, answered.text).to.equal(201);
    const staffSees = (await fiona.request('GET', `/api/instances/${ticket.id}/conversation`)).body as { from: string; author: string | null; text: string }[];
    expect(staffSees.map((message) => [message.from, message.author, message.text])).to.deep.equal([
      ['staff', 'lina', 'Which printer model do you use?'],
      ['customer', null, 'An HP LaserJet 4000'],
    ]);
    const customerSees = (await server.http.anonymous.request('GET', `/api/public/status/${token}/conversation`)).body as { text: string; author: unknown }[];
    expect(customerSees.map((message) => message.text)).to.deep.equal(['Which printer model do you use?', 'An HP LaserJet 4000']);
    expect(JSON.stringify(customerSees)).not.to.include('angry').and.not.to.include('lina');
    // and everything is in the audit log, the chain intact
    const audit = (await server.http.request('GET', `/api/instances/${ticket.id}/audit`)).body as { type: string }[];
    expect(audit.map((event) => event.type)).to.include.members(['conversation.to-customer', 'conversation.from-customer', 'task.commented']);
    expect(((await server.http.request('GET', `/api/instances/${ticket.id}/audit/verify`)).body as { valid: boolean }).valid).to.equal(true);
  });

  it('refuses empty and huge messages with 400, keeps HTML as text and escapes it on the status page', async () => {
    const token = ticket.statusUrl!.split('/').pop()!;
    for (const body of [{}, { text: '' }, { text: '   ' }, { text: 'x'.repeat(4001) }, { text: 42 }, { text: 'a\u0000b' }]) {
      expect((await lina.request('POST', `/api/instances/${ticket.id}/conversation`, body)).status, JSON.stringify(body).slice(0, 40)).to.equal(400);
      expect((await server.http.anonymous.request('POST', `/api/public/status/${token}/conversation`, body)).status).to.equal(400);
    }
    expect(((await lina.request('GET', `/api/instances/${ticket.id}/conversation`)).body as unknown[]).length).to.equal(0);
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    expect((await lina.request('POST', `/api/instances/${ticket.id}/conversation`, { text: evil })).status).to.equal(201);
    const page = await server.http.anonymous.request('GET', `/status/${token}`);
    expect(page.text).not.to.include('<script>alert(1)');
    expect(page.text).not.to.include('<img src=x');
    expect(page.text).to.include('&#60;script&#62;alert(1)&#60;/script&#62;');
    // an auditor reads but does not write
    const audrey = await server.http.as('audrey');
    expect((await audrey.request('POST', `/api/instances/${ticket.id}/conversation`, { text: 'hi' })).status).to.equal(403);
    expect((await audrey.request('GET', `/api/instances/${ticket.id}/conversation`)).status).to.equal(200);
  });

  it('mails a new status link on lookup by ticket number and email, answering the same either way, limited per email', async () => {
    const lookup = (ticketNumber: string, email: string) => server.http.anonymous.request('POST', '/api/public/status/lookup', { ticketNumber, email });
    const before = (await server.baton.store.outbox.forInstance(ticket.id)).length;
    const wrong = await lookup(ticket.ticketNumber, 'mallory@example.com');
    const unknown = await lookup('HD-999999', 'eva@example.com');
    const right = await lookup(ticket.ticketNumber.toLowerCase(), 'EVA@example.com');
    expect([wrong.status, unknown.status, right.status]).to.deep.equal([202, 202, 202]);
    expect(wrong.text).to.equal(right.text);
    expect(unknown.text).to.equal(right.text);
    const mails = await server.baton.store.outbox.forInstance(ticket.id);
    expect(mails.length).to.equal(before + 1);
    const link = /\/status\/([A-Za-z0-9_-]{43})/.exec(String(mails[mails.length - 1]!.payload['body']))![1]!;
    expect((await server.http.anonymous.request('GET', `/api/public/status/${link}`)).status).to.equal(200);
    // the old link was replaced by the new one
    expect((await server.http.anonymous.request('GET', `/api/public/status/${ticket.statusUrl!.split('/').pop()}`)).status).to.equal(404);
    // three lookups per email address per hour, then 429 whatever the ticket
    await lookup(ticket.ticketNumber, 'eva@example.com');
    expect((await lookup(ticket.ticketNumber, 'eva@example.com')).status).to.equal(429);
    expect((await lookup('HD-000001', 'EVA@EXAMPLE.COM')).status).to.equal(429);
    expect((await lookup('not a number!', 'x')).status).to.equal(400);
  });

  it('checks a desk start against the start form: required fields, a contact, a real email; programs start freely', async () => {
    const start = (variables: Record<string, unknown>, checkForm = true) => fiona.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables, checkForm });
    expect((await start({ customerName: 'Eva', customerEmail: 'eva@example.com' })).status).to.equal(400);
    const noContact = await start({ customerName: 'Eva', problem: 'Printer' });
    expect(noContact.status).to.equal(400);
    expect(noContact.text).to.include('email or phone');
    expect((await start({ customerName: 'Eva', customerEmail: 'not-an-email', problem: 'Printer' })).status).to.equal(400);
    const byPhone = await start({ customerName: 'Ivan', customerPhone: '+7 900 000-00-00', customerLanguage: 'ru', problem: 'Принтер не печатает' });
    expect(byPhone.status, byPhone.text).to.equal(201);
    expect((byPhone.body as Started).statusUrl).to.be.a('string');
    // without a contact, no status link (a program's start is not checked against the form)
    const program = await start({}, false);
    expect(program.status).to.equal(201);
    expect((program.body as Started).statusUrl).to.equal(null);
    // what the desk may open: every deployed process with its start form; auditors none
    const startable = (await fiona.request('GET', '/api/tickets/startable')).body as { key: string; fields: { id: string }[] }[];
    expect(startable.find((process) => process.key === 'helpdesk-escalation')?.fields.map((field) => field.id)).to.include.members(['customerName', 'customerEmail', 'customerPhone', 'problem']);
    expect((await (await server.http.as('audrey')).request('GET', '/api/tickets/startable')).body).to.deep.equal([]);
  });

  it('gives a ticket started by a message with a customer contact its status link too', async () => {
    await server.baton.definitions.deploy(
      bpmn(
        'call-in',
        `<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
         <bpmn:userTask id="t" name="Call back" camunda:candidateGroups="first-line" /><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
        '<bpmn:message id="m" name="phone-call" />',
      ),
    );
    const res = await fiona.request('POST', '/api/messages', { name: 'phone-call', variables: { customerEmail: 'zoe@example.com' } });
    expect(res.status, res.text).to.equal(200);
    const [started] = (res.body as { started: { instanceId: string; ticketNumber: string }[] }).started;
    const [mail] = await server.baton.store.outbox.forInstance(started!.instanceId);
    expect(mail?.payload['to']).to.equal('zoe@example.com');
    const token = /\/status\/([A-Za-z0-9_-]{43})/.exec(String(mail?.payload['body']))![1]!;
    expect(((await server.http.anonymous.request('GET', `/api/public/status/${token}`)).body as { ticketNumber: string }).ticketNumber).to.equal(started!.ticketNumber);
  });

  it("mails the staff message in the customer's language", async () => {
    const res = await fiona.request('POST', '/api/instances', {
      processKey: 'helpdesk-escalation',
      variables: { customerName: 'Иван', customerEmail: 'ivan@example.com', customerLanguage: 'ru', problem: 'Принтер' },
      checkForm: true,
    });
    const { id, ticketNumber } = res.body as Started;
    expect((await fiona.request('POST', `/api/instances/${id}/conversation`, { text: 'Какая модель принтера?' })).status).to.equal(201);
    const mails = await server.baton.store.outbox.forInstance(id);
    expect(mails.map((mail) => mail.payload['subject'])).to.deep.equal([`Ваша заявка ${ticketNumber}`, `По вашей заявке ${ticketNumber}`]);
  });

  it('tells a watching ticket page live when the customer answers; refuses to watch a ticket one may not see', async () => {
    const connect = async (token: string) => {
      const socket: Socket<TicketServerEvents, TicketClientEvents> = io(`${server.http.baseUrl}${TICKETS_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    };
    const watch = (socket: Socket<TicketServerEvents, TicketClientEvents>) =>
      new Promise<{ ok: true } | { error: { code: string } }>((resolve) => socket.emit('ticket:watch', { instanceId: ticket.id }, resolve));
    const [linaSocket, bobSocket] = await Promise.all([connect(lina.token), connect(bob.token)]);
    // lina's inbox too: the L1 task waits in her department's queue
    const linaInbox = await connectLive(server.http.baseUrl, { token: lina.token });
    const toInbox = new Promise<{ ticketNumber: string }>((resolve) => linaInbox.socket.on('ticket:customer-replied', resolve));
    try {
      expect(await watch(bobSocket)).to.deep.equal({ error: { code: 'FORBIDDEN', message: `Ticket ${ticket.ticketNumber} was never with you or your departments` } });
      expect(await watch(linaSocket)).to.deep.equal({ ok: true });
      const heard = new Promise<{ customerReplied: boolean }>((resolve) => linaSocket.on('ticket:changed', (event) => event.customerReplied && resolve(event)));
      const bobHeard: unknown[] = [];
      bobSocket.on('ticket:changed', (event) => bobHeard.push(event));
      const token = ticket.statusUrl!.split('/').pop()!;
      await server.http.anonymous.request('POST', `/api/public/status/${token}/conversation`, { text: 'Still broken' });
      expect((await heard).customerReplied).to.equal(true);
      expect((await toInbox).ticketNumber).to.equal(ticket.ticketNumber);
      expect(bobHeard).to.deep.equal([]);
    } finally {
      linaInbox.close();
      linaSocket.close();
      bobSocket.close();
    }
  });

  it('lists the directory of people and departments for a hand-over, without auditors', async () => {
    const res = await fiona.request('GET', '/api/directory');
    expect(res.status).to.equal(200);
    const body = res.body as { departments: { id: string }[]; people: { username: string }[] };
    expect(body.departments.map((department) => department.id)).to.include('l2');
    expect(body.people.map((person) => person.username))
      .to.include.members(['fiona', 'lina'])
      .and.not.include('audrey');
  });
});
