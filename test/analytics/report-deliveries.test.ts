import { expect } from 'chai';

import type { TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';
import { scriptMonth } from './scripted-month.js';

describe('Monthly report delivery', () => {
  let sink: SmtpSink;
  const server = useTestServer({ mail: true });
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    baton = server.baton;
    sink = server.mail.sink;
    http = server.http;
    await scriptMonth(baton, (username) => http.as(username));
  });

  const configure = (department: string, body: unknown) => http.request('PUT', `/api/reports/deliveries/${department}`, body);

  it("emails last month's summary on the 1st in the department's time zone, once, in its language", async () => {
    // given first line's report goes to its head in Russian at 08:00 Moscow time (05:00 UTC)
    baton.clock.set(new Date('2026-11-20T12:00:00Z'));
    const set = await configure('first-line', { timeZone: 'Europe/Moscow', hour: 8, lang: 'ru', recipients: ['head@example.com', 'owner@example.com'] });
    expect(set.status, set.text).to.equal(200);
    expect(set.body).to.deep.include({ departmentId: 'first-line', nextDueAt: '2026-12-01T05:00:00.000Z' });
    // and L1's in English in New York at 07:00 (12:00 UTC)
    expect((await configure('l1', { timeZone: 'America/New_York', recipients: ['l1-head@example.com'] })).status).to.equal(200);

    // when the clock reaches 07:59 Moscow time on 1 December
    baton.clock.set(new Date('2026-12-01T04:59:00Z'));
    await baton.reportDeliveries.tick();
    // then nothing is sent yet
    expect(sink.received).to.have.length(0);

    // when it is 08:00 in Moscow
    baton.clock.set(new Date('2026-12-01T05:00:00Z'));
    await baton.reportDeliveries.tick();
    // then the head and the owner get November's figures in Russian with the link, and New York waits
    expect(sink.received.map((m) => m.rcptTo[0]).sort()).to.deep.equal(['head@example.com', 'owner@example.com']);
    const mail = await baton.store.reportDeliveries!.mailFor('first-line');
    expect(mail[0]!.subject).to.equal('First line (service desk): отчёт за ноябрь 2026 г.');
    expect(mail[0]!.body).to.contain('Решено: 4. Передано наверх: 1.');
    expect(mail[0]!.body).to.contain('CSAT): 5 из 5 по 1 оценкам');
    expect(mail[0]!.body).to.contain('http://localhost:3000/reports?month=2026-11&department=first-line');
    expect(mail.every((m) => m.sentAt !== null)).to.equal(true);

    // when the poll runs again, and after a restart
    await baton.reportDeliveries.tick();
    baton = await baton.restart();
    await baton.reportDeliveries.tick();
    // then the month was sent once; the next one is due on 1 January
    expect(sink.received.filter((m) => m.rcptTo[0] === 'head@example.com')).to.have.length(1);
    expect((await baton.store.reportDeliveries!.get('first-line'))!.nextDueAt).to.equal('2027-01-01T05:00:00.000Z');

    // when it is 07:00 in New York
    baton.clock.set(new Date('2026-12-01T12:00:00Z'));
    await baton.reportDeliveries.tick();
    const english = (await baton.store.reportDeliveries!.mailFor('l1'))[0]!;
    expect(english.subject).to.equal('First level support (L1): monthly report for November 2026');
    expect(english.body).to.contain('Resolved: 1. Passed up: 0.');
    // people count with their home department: bob resolved t2 at L1 and t3 handed to him at first line
    expect(english.body).to.contain('Resolved most: bob (2).');
  });

  it('delivers a missed 1st when Baton comes back, for the month before it', async () => {
    baton.clock.set(new Date('2026-11-20T12:00:00Z'));
    await configure('l2', { timeZone: 'UTC', hour: 0, recipients: ['l2@example.com'] });
    // given Baton was down over the 1st: the first poll is on the 3rd
    baton.clock.set(new Date('2026-12-03T09:00:00Z'));
    await baton.reportDeliveries.tick();
    const [mail] = await baton.store.reportDeliveries!.mailFor('l2');
    expect(mail).to.deep.include({ month: '2026-11', recipient: 'l2@example.com' });
    expect(mail!.body).to.contain('Resolved most: carl (1).');
  });

  it('refuses bad settings with a 400 naming them, an unknown department with 404, and staff with 403', async () => {
    expect((await configure('first-line', { timeZone: 'Mars/Olympus', recipients: ['a@example.com'] })).status).to.equal(400);
    expect((await configure('first-line', { timeZone: 'UTC', recipients: ['not an address'] })).status).to.equal(400);
    expect((await configure('first-line', { timeZone: 'UTC', hour: 24, recipients: ['a@example.com'] })).status).to.equal(400);
    expect((await configure('nowhere', { timeZone: 'UTC', recipients: ['a@example.com'] })).status).to.equal(404);
    const ada = await http.as('ada');
    expect((await ada.request('PUT', '/api/reports/deliveries/first-line', { timeZone: 'UTC', recipients: ['a@example.com'] })).status).to.equal(403);
    expect((await http.request('GET', '/api/reports/deliveries')).body).to.deep.equal([]);
  });
});
