import { expect } from 'chai';

import type { TicketView } from '../../server/tickets/ticket.js';
import { FIELD_SERVICE, PNG, answer, newTicket, statusOf } from '../customer/customer-support.js';
import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** A customer's photo on the ticket page: listed with the ticket, downloaded by who may see it, by nobody else. */
describe('ticket attachments over HTTP', () => {
  const server = useTestServer({ deploy: [FIELD_SERVICE] });

  it("lists the customer's upload on the ticket and serves it as a download to dispatch, not to billing", async () => {
    const { baton, http } = server;
    await addUser(baton, 'dora', 'staff', ['dispatch']);
    await addUser(baton, 'bill', 'staff', ['billing']);
    const dora = await http.as('dora');
    // given a field-service request dispatched by dora, and the customer's photo of the type plate
    const receipt = await newTicket(baton, http);
    const [dispatchTask] = (await dora.request('GET', '/api/tasks')).body as { id: string }[];
    // nobody worked in technicians when the request came; the dispatcher chooses tom, who joined since
    await addUser(baton, 'tom', 'staff', ['technicians']);
    expect((await dora.request('POST', `/api/tasks/${dispatchTask!.id}/complete`, { variables: { technician: 'tom' } })).status).to.equal(200);
    const waiting = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    expect((await answer(http, receipt.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate <1>.png', type: 'image/png', data: PNG }])).status).to.equal(200);
    // when dora opens the ticket
    const ticket = (await dora.request('GET', `/api/tickets/${receipt.ticketNumber}`)).body as TicketView;
    // then the photo is listed and downloads as an attachment with its bytes
    expect(ticket.attachments).to.have.length(1);
    const file = ticket.attachments[0]!;
    expect(file).to.include({ field: 'platePhoto', filename: 'plate <1>.png', contentType: 'image/png', size: PNG.length });
    const url = `${http.baseUrl}/api/instances/${ticket.id}/attachments/${file.uploadId}`;
    const download = await fetch(url, { headers: { authorization: `Bearer ${dora.token}` } });
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-disposition')).to.equal('attachment; filename="plate__1_.png"');
    expect(download.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).to.equal(true);
    // and billing, which never touched the ticket, gets neither the ticket nor the file
    const bill = await http.as('bill');
    expect((await bill.request('GET', `/api/instances/${ticket.id}/attachments/${file.uploadId}`)).status).to.equal(403);
    // an upload id of another ticket is not found through this one
    expect((await dora.request('GET', `/api/instances/${ticket.id}/attachments/nope`)).status).to.equal(404);
  });

  it('refuses bad search input with 400: empty or over-long q, a malformed ticket number', async () => {
    const { http } = server;
    expect((await http.request('GET', '/api/instances?q=')).status).to.equal(400);
    expect((await http.request('GET', `/api/instances?q=${'x'.repeat(201)}`)).status).to.equal(400);
    expect((await http.request('GET', '/api/instances?mine=yes')).status).to.equal(400);
    expect((await http.request('GET', '/api/tickets/%3Cscript%3E')).status).to.equal(400);
    const res = await http.request('GET', `/api/instances?q=${encodeURIComponent("%' OR 1=1 --")}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal([]);
  });
});
