import { expect } from 'chai';

import type { StatusView } from '../../server/customer/status-view.js';
import type { Invoice } from '../../server/field/invoice.js';
import type { DayVisit } from '../../server/field/visit.service.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import { answer, FIELD_SERVICE, newTicket, PNG, REQUEST, statusOf } from '../customer/customer-support.js';
import { TEST_ADMIN } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const MINUTE = 60_000;

/**
 * The field-service seed from the QR scan to the invoice, over the API with the controllable
 * clock: dispatch picks and explains, a decline re-dispatches, the customer sees who comes and
 * when, the checklist guards "done", used parts leave the van, the invoice adds up.
 */
describe('Field service: the whole story', () => {
  const server = useTestServer({ deploy: [FIELD_SERVICE] });

  async function technician(username: string, name: string, skills: string[], lat: number, lon: number): Promise<void> {
    const res = await server.http.request('POST', '/api/users', {
      username,
      name,
      password: 'staff-password-for-tests',
      role: 'staff',
      departments: ['technicians'],
      skills,
      home: { address: `${name}'s home`, lat, lon },
    });
    expect(res.status, res.text).to.equal(201);
  }

  async function openTask(instanceId: string): Promise<TaskRecord> {
    const [task] = await server.baton.store.tasks.list({ instanceId, status: 'open' });
    return task!;
  }

  it('QR request → dispatch with reasons → decline → on my way with ETA → checklist → parts used → invoice → asset history', async () => {
    const { http, baton } = server;
    await technician('anna', 'Anna Berg', ['heating'], 52.53, 13.42);
    await technician('dmitri', 'Dmitri Ivanov', ['heating'], 52.54, 13.43);
    await technician('boris', 'Boris Kern', ['electrical'], 52.52, 13.41);
    expect((await http.request('POST', '/api/parts', { sku: 'P-17', name: 'Circulation pump', price: 120 })).status).to.equal(201);
    expect((await http.request('PUT', '/api/stock/van:dmitri/P-17', { quantity: 2 })).status).to.equal(200);
    expect(
      (await http.request('POST', '/api/assets', { id: 'BOILER-9', type: 'heating', customerEmail: REQUEST.customerEmail, address: 'Alexanderplatz 1, Berlin', lat: 52.5219, lon: 13.4132 })).status,
    ).to.equal(201);

    // the customer scans the code on the boiler and sends the request
    const receipt = await newTicket(baton, http, { ...REQUEST, equipmentId: 'BOILER-9' });
    const [instance] = await baton.store.instances.list({ ticketNumber: receipt.ticketNumber });
    const id = instance!.id;
    const decided = (await baton.store.audit.forInstance(id)).find((event) => event.type === 'dispatch.decided')!;
    expect(decided.data['chosen']).to.equal('anna');

    // the type plate photo, then the visit waits for anna; she declines and dmitri gets it
    const waiting = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    expect((await answer(http, receipt.token, waiting.taskId, {}, [{ field: 'platePhoto', name: 'plate.png', type: 'image/png', data: PNG }])).status).to.equal(200);
    const visit = await openTask(id);
    expect(visit).to.include({ elementId: 'Task_visit_and_repair', assignee: 'anna' });
    expect((await statusOf(http, receipt.token)).field?.visit).to.deep.include({ technicianFirstName: 'Anna', state: 'assigned' });
    const anna = await http.as('anna');
    expect((await anna.request('POST', `/api/tasks/${visit.id}/decline`, { reason: 'car broke down' })).body).to.include({ technician: 'dmitri' });

    // dmitri's day shows it; on my way gives the customer his first name and an ETA
    const dmitri = await http.as('dmitri');
    const day = (await dmitri.request('GET', '/api/technician/visits')).body as DayVisit[];
    expect(day).to.have.length(1);
    expect(day[0]).to.deep.include({ ticketNumber: receipt.ticketNumber, state: 'assigned', customerName: REQUEST.customerName });
    expect(day[0]!.asset).to.include({ id: 'BOILER-9', address: 'Alexanderplatz 1, Berlin' });
    // only the assignee reports progress
    expect((await anna.request('POST', `/api/tasks/${visit.id}/on-my-way`)).status).to.equal(403);
    const onWay = await dmitri.request('POST', `/api/tasks/${visit.id}/on-my-way`);
    expect(onWay.status, onWay.text).to.equal(200);
    const status = await statusOf(http, receipt.token);
    expect(status.field!.visit).to.deep.include({ technicianFirstName: 'Dmitri', state: 'on-the-way' });
    const etaAt = Date.parse(status.field!.visit!.etaAt!);
    expect(etaAt - baton.clock.now().getTime()).to.be.within(5 * MINUTE, 30 * MINUTE);
    const page = (await http.anonymous.request('GET', `/status/${receipt.token}`)).text;
    expect(page).to.contain('Dmitri is on the way').and.not.contain('dmitri');

    baton.clock.advance(20 * MINUTE);
    expect((await dmitri.request('POST', `/api/tasks/${visit.id}/arrived`)).body).to.include({ state: 'arrived' });
    expect((await dmitri.request('POST', `/api/tasks/${visit.id}/arrived`)).status).to.equal(409);
    const arrived = (await baton.store.audit.forInstance(id)).find((event) => event.type === 'visit.arrived')!;
    expect(arrived.data['onTime']).to.equal(true);

    // 50 minutes on site; done is refused while the checklist is not ticked
    baton.clock.advance(50 * MINUTE);
    // bearer tokens of test Batons live an hour: sign in again
    const onSite = await http.as('dmitri');
    const admin = await http.as(TEST_ADMIN.username, TEST_ADMIN.password);
    const current = await openTask(id);
    const incomplete = await onSite.request('POST', `/api/tasks/${current.id}/complete`, {
      variables: { fixed: true, workDone: 'New pump', partsUsed: 'P-17:1', safetyChecked: true, customerInformed: false },
    });
    expect(incomplete.status).to.equal(400);
    expect(incomplete.text).to.contain('customerInformed: must be checked');
    const done = await onSite.request('POST', `/api/tasks/${current.id}/complete`, {
      variables: { fixed: true, workDone: 'New pump', partsUsed: 'P-17:1', safetyChecked: true, customerInformed: true },
    });
    expect(done.status, done.text).to.equal(200);

    // the used pump left dmitri's van
    const [van] = (await admin.request('GET', '/api/stock?location=van:dmitri&sku=P-17')).body as { quantity: number; reserved: number }[];
    expect(van).to.include({ quantity: 1, reserved: 0 });

    // the invoice: 1 h labour (4 started quarter hours of 50 min) at 60 + the pump at 120, 19 % tax
    const ended = (await admin.request('GET', `/api/instances/${id}`)).body as { status: string; variables: { invoice: Invoice } };
    expect(ended.status, JSON.stringify((await baton.store.audit.forInstance(id)).map((e) => [e.type, e.elementId]))).to.equal('completed');
    const invoice = ended.variables.invoice;
    expect(invoice.lines.map((line) => [line.kind, line.quantity, line.amount])).to.deep.equal([
      ['labour', 1, 60],
      ['part', 1, 120],
    ]);
    expect(invoice).to.include({ net: 180, tax: 34.2, total: 214.2, currency: 'EUR', number: `${baton.clock.now().getUTCFullYear()}-${receipt.ticketNumber}` });
    const after = await statusOf(http, receipt.token);
    expect((after as StatusView).field!.invoice).to.deep.include({ total: 214.2, number: invoice.number });
    const pdf = await http.anonymous.request('GET', `/status/${receipt.token}/invoice.pdf`);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    expect(pdf.text.startsWith('%PDF')).to.equal(true);
    expect((await http.anonymous.request('GET', `/status/${'x'.repeat(43)}/invoice.pdf`)).status).to.equal(404);
    const mails = await baton.store.outbox.forInstance(id);
    const invoiceMail = mails.find((mail) => Array.isArray(mail.payload['attachments']))!;
    expect(invoiceMail.payload['subject']).to.contain(invoice.number);
    expect(invoiceMail.payload['body']).to.contain('214.20');

    // the customer rates it; the month's field KPIs credit dmitri
    // the feedback email carries one-click rating links; the 5 opens the form with 5 chosen, sending it records it
    const feedbackMail = mails.find((mail) => String(mail.payload['body']).includes('/rate/'))!;
    const links = String(feedbackMail.payload['body']).match(/https?:\/\/\S+\/rate\/\S+/g)!;
    expect(links).to.have.length(5);
    const five = new URL(links[4]!);
    const form = await http.anonymous.request('GET', `${five.pathname}${five.search}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.match(/value="5" required checked/);
    const forged = await http.anonymous.request('GET', five.pathname.replace(/\/[^/]+$/, '/forged-signature-forged-signat'));
    expect(forged.status).to.equal(404);
    const sent = await http.anonymous.request('POST', five.pathname, 'rating=5&comment=Quick+and+clean', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(sent.status, sent.text).to.equal(200);
    expect(sent.text).to.contain('you rated us 5 of 5');
    expect((await http.anonymous.request('POST', five.pathname, 'rating=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(409);
    const month = baton.clock.now().toISOString().slice(0, 7);
    const kpis = (await admin.request('GET', `/api/field/kpis?month=${month}`)).body as { technicians: Record<string, unknown>[] };
    const row = kpis.technicians.find((entry) => entry['username'] === 'dmitri')!;
    expect(row).to.deep.include({ visits: 1, firstVisits: 1, firstTimeFixRate: 1, arrivals: 1, onTimeRate: 1, medianTimeOnSiteMs: 50 * MINUTE, partsUsed: 1, csat: { average: 5, count: 1 } });
    expect(row['travelKm']).to.be.greaterThan(0);
    const csv = await admin.request('GET', `/api/field/kpis?month=${month}&format=csv`);
    expect(csv.text.split('\n')[1]).to.match(/^dmitri,1,1,1,1,1,3000000,/);
    // staff see only their own figures
    const annaNow = await http.as('anna');
    expect((await annaNow.request('GET', `/api/field/kpis?month=${month}&technician=dmitri`)).status).to.equal(403);
    expect(((await annaNow.request('GET', `/api/field/kpis?month=${month}`)).body as { technicians: unknown[] }).technicians).to.deep.equal([]);
    expect((await admin.request('GET', '/api/field/kpis?month=2026-13')).status).to.equal(400);

    // the ticket's story says who went and why, the decline, the trip and the invoice
    const story = ((await admin.request('GET', `/api/tickets/${receipt.ticketNumber}`)).body as { story: { type: string; assignee: string | null; text: string | null }[] }).story;
    expect(story.find((entry) => entry.type === 'dispatched')).to.deep.include({ assignee: 'anna' });
    expect(story.find((entry) => entry.type === 'dispatched')!.text).to.contain('has heating skill');
    expect(story.map((entry) => entry.type)).to.include.members(['declined', 'on-the-way', 'arrived', 'invoiced']);

    // the asset's history has the job, with who did it
    const asset = (await admin.request('GET', '/api/assets/BOILER-9')).body as { history: { ticketNumber: string; status: string; technician: string }[] };
    expect(asset.history).to.deep.include({ ...asset.history[0]!, ticketNumber: receipt.ticketNumber, status: 'completed' });
  });
});
