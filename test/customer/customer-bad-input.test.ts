import { expect } from 'chai';

import type { IntakeForm } from '../../server/customer/status-view.js';
import type { SqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { oneTaskProcess, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';
import { answer, FIELD_SERVICE, newTicket, PNG, REQUEST, refusedStatus, statusOf, submitRequest } from './customer-support.js';

describe('Customer pages: bad input', () => {
  const server = useTestServer({ deploy: [FIELD_SERVICE] });
  let baton: TestBaton;
  let http: Http;

  beforeEach(() => {
    ({ baton, http } = server);
  });

  const count = (table: string) => ((baton.store as SqliteStore).db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('an answer form cut off inside a file is a 400, and the server lives on (was an uncaught "Unexpected end of form" that ends the process)', async () => {
    const receipt = await newTicket(baton, http);
    const cut = '--B\r\nContent-Disposition: form-data; name="typePlate"; filename="plate.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG half a fi';
    for (const path of [`/api/public/status/${receipt.token}/tasks/any`, `/status/${receipt.token}/tasks/any`]) {
      const res = await http.anonymous.request('POST', path, cut, { 'content-type': 'multipart/form-data; boundary=B' });
      expect(res.status, path).to.be.within(400, 499);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await http.anonymous.request('GET', '/health')).status).to.equal(200);
  });

  it('a language cookie that is not percent-encoding is ignored by the customer pages, not a 500', async () => {
    const receipt = await newTicket(baton, http);
    const cookie = { cookie: 'baton_lang=%E0%A4%A' };
    expect((await http.anonymous.request('GET', `/status/${receipt.token}`, undefined, cookie)).status).to.equal(200);
    expect((await http.anonymous.request('GET', '/status', undefined, cookie)).status).to.equal(200);
    expect((await http.anonymous.request('GET', `/rate/${receipt.ticketNumber}/wrong`, undefined, cookie)).status).to.equal(404);
  });

  it('a wrong, malformed or expired token is the same 404 as any other, over HTTP, the page and the socket', async () => {
    const receipt = await newTicket(baton, http);
    const made_up = 'A'.repeat(43);
    const answers = async (token: string) => ({
      api: await http.anonymous.request('GET', `/api/public/status/${token}`),
      page: await http.anonymous.request('GET', `/status/${token}`),
      socket: await refusedStatus(http.baseUrl, token),
    });
    const wrong = await answers(made_up);
    const malformed = await answers('nope');
    baton.clock.advance(366 * 86_400_000);
    const expired = await answers(receipt.token);
    for (const each of [wrong, malformed, expired]) {
      expect(each.api.status).to.equal(404);
      expect(each.api.text).to.equal(wrong.api.text);
      expect(each.page.status).to.equal(404);
      expect(each.page.text).to.equal(wrong.page.text);
      expect(each.socket).to.equal(wrong.socket);
    }
    expect(wrong.page.text).not.to.contain(receipt.ticketNumber);
  });

  it('the staff customer stats of an unknown instance are a 404, of a malformed id a 400', async () => {
    const unknown = await http.request('GET', '/api/instances/00000000-0000-4000-8000-000000000000/customer');
    expect(unknown.status).to.equal(404);
    const malformed = await http.request('GET', `/api/instances/${'x'.repeat(201)}/customer`);
    expect(malformed.status).to.equal(400);
    const receipt = await newTicket(baton, http);
    const instanceId = (await baton.store.instances.list({})).find((instance) => instance.ticketNumber === receipt.ticketNumber)?.id;
    expect((await http.request('GET', `/api/instances/${instanceId}/customer`)).status).to.equal(200);
  });

  it('a form with missing fields is a 400 naming them; nothing is started or stored', async () => {
    const res = await submitRequest(baton, http, { equipmentId: 'PUMP-7', customerEmail: 'not-an-address' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('description: is required').and.contain('customerName: is required');
    // field service emails the invoice: its form requires the address
    const { customerEmail: _left, ...withoutEmail } = REQUEST;
    const noEmail = await submitRequest(baton, http, withoutEmail);
    expect(noEmail.status).to.equal(400);
    expect(noEmail.text).to.contain('customerEmail: is required');
    expect(count('instances')).to.equal(0);
    expect(count('customer_tickets')).to.equal(0);
    expect(count('outbox')).to.equal(0);
  });

  it('fields that are not on the form are dropped, not stored', async () => {
    const receipt = await newTicket(baton, http, { ...REQUEST, priority: 'urgent', technician: 'me' });
    const [instance] = await baton.store.instances.list({ ticketNumber: receipt.ticketNumber });
    expect(instance!.variables).not.to.have.property('priority');
    // technician is the dispatch handler's (null: nobody could take it), never the customer's 'me'
    expect(instance!.variables['technician']).to.equal(null);
  });

  it('the honeypot, a form sent back too fast, and a forged stamp are refused; nothing is stored', async () => {
    expect((await submitRequest(baton, http, REQUEST, { website: 'http://spam.example' })).status).to.equal(400);
    const form = (await http.anonymous.request('GET', '/api/public/processes/field-service/intake')).body as IntakeForm;
    const fast = await http.anonymous.request('POST', '/api/public/processes/field-service/requests', { data: REQUEST, formStamp: form.formStamp });
    expect(fast.status).to.equal(400);
    const forged = await http.anonymous.request('POST', '/api/public/processes/field-service/requests', { data: REQUEST, formStamp: `${Date.now() - 60_000}.AAAA` });
    expect(forged.status).to.equal(400);
    expect(count('instances')).to.equal(0);
  });

  it('a flood of submissions from one address gets 429 with Retry-After', async () => {
    for (let i = 0; i < 10; i++) {
      // invalid ones count too
      const res = await submitRequest(baton, http, i % 2 ? REQUEST : {});
      expect(res.status).to.be.oneOf([201, 400]);
    }
    const flooded = await submitRequest(baton, http);
    expect(flooded.status).to.equal(429);
    expect(Number(flooded.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(count('instances')).to.equal(5);
  });

  it('a body over 32 kB is a 413', async () => {
    const res = await submitRequest(baton, http, { ...REQUEST, description: 'x'.repeat(40_000) });
    expect(res.status).to.equal(413);
    expect(count('instances')).to.equal(0);
  });

  it('a process without public intake answers like an unknown one', async () => {
    await baton.definitions.deploy(oneTaskProcess('internal', 'camunda:candidateGroups="l1"'));
    const internal = await http.anonymous.request('GET', '/api/public/processes/internal/intake');
    const unknown = await http.anonymous.request('GET', '/api/public/processes/nothing-here/intake');
    expect(internal.status).to.equal(404);
    expect(internal.text).to.equal(unknown.text);
    expect((await http.anonymous.request('GET', '/api/public/processes/internal/qr.svg')).status).to.equal(404);
  });

  it('an oversized or wrong-type upload is refused; the question stays open and no file is kept', async () => {
    const receipt = await newTicket(baton, http);
    const [instance] = await baton.store.instances.list({ ticketNumber: receipt.ticketNumber });
    const [dispatch] = await baton.store.tasks.list({ instanceId: instance!.id, status: 'open' });
    await baton.tasks.complete(dispatch!.id, { technician: 'tom' }, 'staff');
    const { taskId } = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await answer(http, receipt.token, taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: big }]);
    expect(tooBig.status).to.equal(413);
    const text = await answer(http, receipt.token, taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: Buffer.from('not a picture') }]);
    expect(text.status).to.equal(400);
    const exe = await answer(http, receipt.token, taskId, {}, [{ field: 'platePhoto', name: 'run.exe', type: 'application/x-msdownload', data: Buffer.from('MZ') }]);
    expect(exe.status).to.equal(400);
    const missing = await answer(http, receipt.token, taskId, { note: 'forgot it' }, []);
    expect(missing.status).to.equal(400);
    expect(count('customer_uploads')).to.equal(0);
    expect((await baton.store.tasks.get(taskId))!.status).to.equal('open');
    // the page without JavaScript says it in words, with the same status
    const body = new FormData();
    body.append('platePhoto', new Blob([new Uint8Array(Buffer.from('plain text'))], { type: 'text/plain' }), 'notes.txt');
    const page = await fetch(`${http.baseUrl}/status/${receipt.token}/tasks/${taskId}`, { method: 'POST', body, redirect: 'manual' });
    expect(page.status).to.equal(400);
    expect(await page.text()).to.contain('only photos (PNG, JPEG, WebP) and PDF documents');
  });
});
