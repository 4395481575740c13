import { expect } from 'chai';

import { hashStatusToken } from '../../server/customer/status-token.js';
import type { StatusView } from '../../server/customer/status-view.js';
import type { SqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import type { TaskView } from '../../server/tasks/task-sla.js';
import type { TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';
import { addUser } from '../support/harness.js';
import { answer, connectStatus, FIELD_SERVICE, newTicket, PNG, REQUEST, statusOf, type StatusClient } from './customer-support.js';

describe('Customer intake and ticket status', () => {
  const server = useTestServer({ deploy: [FIELD_SERVICE] });
  let baton: TestBaton;
  let http: Http;
  const sockets: StatusClient[] = [];

  beforeEach(() => {
    ({ baton, http } = server);
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function openTask(instanceId: string, elementId: string): Promise<TaskView> {
    const res = await http.request('GET', `/api/tasks?instanceId=${instanceId}&status=open`);
    if (!Array.isArray(res.body)) throw new Error(res.text);
    const task = (res.body as TaskView[]).find((candidate) => candidate.elementId === elementId);
    if (!task) throw new Error(`no open ${elementId}: ${res.text}`);
    return task;
  }

  async function instanceOf(ticketNumber: string): Promise<string> {
    const res = await http.request('GET', `/api/instances?ticket=${ticketNumber}`);
    return (res.body as { id: string }[])[0]!.id;
  }

  /**
   * Staff: dispatch a technician (admin through the API). Nobody works in technicians when the
   * ticket starts, so automatic dispatch leaves it to the dispatcher; the technician joins now.
   */
  async function dispatch(instanceId: string, variables: Record<string, unknown> = { technician: 'tom' }): Promise<void> {
    const technician = String(variables['technician']);
    if (!(await baton.store.users.getByUsername(technician))) await addUser(baton, technician, 'staff', ['technicians']);
    const task = await openTask(instanceId, 'Task_dispatch_technician');
    const res = await http.request('POST', `/api/tasks/${task.id}/complete`, { variables });
    expect(res.status, res.text).to.equal(200);
  }

  it('intake gives a ticket number and a private link at once, emails them, and stores only the token hash', async () => {
    const receipt = await newTicket(baton, http);
    expect(receipt.ticketNumber).to.match(/^FS-\d{6}$/);
    expect(receipt.token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(receipt.statusPath).to.equal(`/status/${receipt.token}`);
    const instanceId = await instanceOf(receipt.ticketNumber);
    // started by the customer with exactly the form's fields
    const audit = await baton.store.audit.forInstance(instanceId);
    expect(audit[0]).to.deep.include({ type: 'instance.started', actor: 'customer' });
    const instance = await baton.instances.get(instanceId);
    expect(instance.variables).to.include(REQUEST);
    // the confirmation is queued in the outbox with the start
    const [email] = await baton.store.outbox.forInstance(instanceId);
    expect(email?.payload).to.include({ to: 'eva@example.com' });
    expect(String(email?.payload['body'])).to.contain(receipt.ticketNumber).and.contain(`/status/${receipt.token}`);
    // the database holds the hash, never the token
    const db = (baton.store as SqliteStore).db;
    const rows = db.prepare('SELECT * FROM customer_tickets').all();
    expect(JSON.stringify(rows)).not.to.contain(receipt.token);
    expect(rows).to.have.length(1);
    expect((rows[0] as { token_hash: string }).token_hash).to.equal(hashStatusToken(receipt.token));
  });

  it('the status page follows the ticket live: a staff task completes and a real socket hears of it', async () => {
    const receipt = await newTicket(baton, http);
    const instanceId = await instanceOf(receipt.ticketNumber);
    let view = await statusOf(http, receipt.token);
    expect(view).to.deep.include({ ticketNumber: receipt.ticketNumber, status: 'open', stage: 'Finding a technician for you', department: 'Field service dispatch' });
    expect(view.history.map((entry) => entry.stage)).to.deep.equal(['Request received', 'Finding a technician for you']);
    const live = await connectStatus(http.baseUrl, receipt.token);
    sockets.push(live);
    const before = live.changes;
    await dispatch(instanceId);
    await live.nextChange(before);
    view = await statusOf(http, receipt.token);
    expect(view.stage).to.equal("A photo of the equipment's type plate");
    expect(view.department).to.equal('You');
    expect(view.waitingOnYou).to.have.length(1);
    expect(view.waitingOnYou[0]!.uploads).to.deep.equal([{ id: 'platePhoto', label: 'Photo of the type plate', required: true }]);
    expect(view.history.map((entry) => entry.stage)).to.deep.equal(['Request received', 'Finding a technician for you', "A photo of the equipment's type plate"]);
    // it waits on the customer, not in the admins' unrouted queue
    const unrouted = await http.request('GET', '/api/tasks/unrouted');
    expect(unrouted.body).to.deep.equal([]);
  });

  it('the customer answers the task waiting on them with a photo; the process continues and the wait is counted apart', async () => {
    const receipt = await newTicket(baton, http);
    const instanceId = await instanceOf(receipt.ticketNumber);
    await dispatch(instanceId);
    const waiting = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    baton.clock.advance(1_800_000);
    const res = await answer(http, receipt.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: PNG }]);
    expect(res.status, res.text).to.equal(200);
    expect((res.body as StatusView).stage).to.equal('Technician assigned, on the way');
    // the photo is referenced in the task's output and kept in the database
    const done = (await baton.store.tasks.get(waiting.taskId))!;
    expect(done).to.deep.include({ status: 'completed', completedBy: 'customer' });
    const reference = done.output!['platePhoto'] as { uploadId: string; size: number; contentType: string };
    expect(reference).to.include({ size: PNG.length, contentType: 'image/png' });
    expect((await baton.store.customer.upload(reference.uploadId))!.data.equals(PNG)).to.equal(true);
    await openTask(instanceId, 'Task_visit_and_repair');
    const stats = await http.request('GET', `/api/instances/${instanceId}/customer`);
    expect(stats.body).to.deep.include({ waitingOnCustomerMs: 1_800_000, customerTasks: 1, feedback: null });
    // a second answer to the same question is refused
    const again = await answer(http, receipt.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: PNG }]);
    expect(again.status).to.equal(409);
  });

  it('a token of another ticket never shows this one, neither over HTTP nor over the socket', async () => {
    const mine = await newTicket(baton, http);
    const other = await newTicket(baton, http, { ...REQUEST, equipmentId: 'FAN-2', description: 'Noisy' });
    const theirs = await connectStatus(http.baseUrl, other.token);
    const own = await connectStatus(http.baseUrl, mine.token);
    sockets.push(theirs, own);
    const otherView = await statusOf(http, other.token);
    expect(otherView.ticketNumber).to.equal(other.ticketNumber);
    expect(JSON.stringify(otherView)).not.to.contain(mine.ticketNumber).and.not.to.contain('PUMP-7');
    const before = own.changes;
    await dispatch(await instanceOf(mine.ticketNumber));
    await own.nextChange(before);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(theirs.changes).to.equal(0);
    // a task of one ticket cannot be answered through the other's link
    const waiting = (await statusOf(http, mine.token)).waitingOnYou[0]!;
    const res = await answer(http, other.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: PNG }]);
    expect(res.status).to.equal(404);
  });

  it('internal variables, comments and people never appear in the status response or page', async () => {
    const receipt = await newTicket(baton, http);
    const instanceId = await instanceOf(receipt.ticketNumber);
    const task = await openTask(instanceId, 'Task_dispatch_technician');
    await http.request('POST', `/api/tasks/${task.id}/comments`, { text: 'customer sounded angry' });
    await dispatch(instanceId, { technician: 'tom-the-tech', internalCost: 4711 });
    const json = JSON.stringify(await statusOf(http, receipt.token));
    const html = (await http.anonymous.request('GET', `/status/${receipt.token}`)).text;
    for (const body of [json, html]) {
      for (const secret of ['tom-the-tech', 'internalCost', '4711', 'angry', 'eva@example.com', 'Eva Example', 'admin', instanceId]) {
        expect(body, secret).not.to.contain(secret);
      }
    }
    // what the process marks public is there
    expect((await statusOf(http, receipt.token)).details).to.deep.equal({ equipmentId: 'PUMP-7', description: 'Leaking at the valve' });
  });

  it('works without JavaScript: a server-rendered, escaped page; answers and feedback as plain form posts', async () => {
    const receipt = await newTicket(baton, http, { ...REQUEST, description: '<script>alert(1)</script>' });
    const page = await http.anonymous.request('GET', `/status/${receipt.token}`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.contain('text/html');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.text).to.contain(receipt.ticketNumber).and.contain('Finding a technician for you').and.contain('&#60;script&#62;');
    expect(page.text).not.to.contain('<script>alert');
    // feedback before the ticket is done: the page says why, nothing stored
    const early = await fetch(`${http.baseUrl}/status/${receipt.token}/feedback`, { method: 'POST', body: new URLSearchParams({ rating: '5' }), redirect: 'manual' });
    expect(early.status).to.equal(409);
    expect(await early.text()).to.contain('once the request is done');
  });

  it('asks for feedback once the ticket is done and keeps one per ticket', async () => {
    const receipt = await newTicket(baton, http);
    const instanceId = await instanceOf(receipt.ticketNumber);
    await dispatch(instanceId);
    const waiting = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    await answer(http, receipt.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%…') }]);
    await baton.tasks.complete((await openTask(instanceId, 'Task_visit_and_repair')).id, { fixed: true }, 'tom');
    const view = await statusOf(http, receipt.token);
    expect(view).to.deep.include({ status: 'done', stage: 'Done', outcome: 'Done', feedbackWanted: true });
    const page = await fetch(`${http.baseUrl}/status/${receipt.token}/feedback`, { method: 'POST', body: new URLSearchParams({ rating: '4', comment: 'Quick, thanks' }), redirect: 'manual' });
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal(`/status/${receipt.token}`);
    const second = await http.anonymous.request('POST', `/api/public/status/${receipt.token}/feedback`, { rating: 1 });
    expect(second.status).to.equal(409);
    const stats = await http.request('GET', `/api/instances/${instanceId}/customer`);
    expect((stats.body as { feedback: { rating: number; comment: string } }).feedback).to.include({ rating: 4, comment: 'Quick, thanks' });
    expect((await statusOf(http, receipt.token)).feedback).to.include({ rating: 4 });
  });

  it('prints a QR code (SVG) and a link that open the form prefilled with the equipment', async () => {
    const link = await http.anonymous.request('GET', '/api/public/processes/field-service/request-link?equipmentId=PUMP-7&other=x');
    expect(link.body).to.deep.equal({ url: 'http://localhost:3000/request/field-service?equipmentId=PUMP-7' });
    const qr = await http.anonymous.request('GET', '/api/public/processes/field-service/qr.svg?equipmentId=PUMP-7');
    expect(qr.status).to.equal(200);
    expect(qr.headers.get('content-type')).to.contain('image/svg+xml');
    expect(qr.text)
      .to.match(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
      .and.contain('<path');
    // the printable label: the code inline, the equipment, the link in words, all escaped
    const label = await http.anonymous.request('GET', '/request/field-service/label?equipmentId=%3Cb%3EPUMP-7');
    expect(label.status).to.equal(200);
    expect(label.text).to.contain('<svg').and.contain('Report a problem with your equipment').and.contain('&#60;b&#62;PUMP-7');
    expect(label.text).not.to.contain('<b>PUMP');
  });
});
