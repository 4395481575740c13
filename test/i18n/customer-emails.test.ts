import path from 'node:path';

import { expect } from 'chai';

import type { IntakeAnswer, IntakeForm } from '../../server/customer/status-view.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';

const REQUEST = { equipmentId: 'PUMP-7', description: 'Течёт у клапана', customerName: 'Ева', customerEmail: 'eva@example.com' };

const UNKNOWN_TEMPLATE = bpmn(
  'unknown-template',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="mail" />
    <bpmn:serviceTask id="mail" camunda:type="external" camunda:topic="email">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="to">\${customerEmail}</camunda:inputParameter>
        <camunda:inputParameter name="template">no-such-template</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="mail" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

describe("customer emails in the customer's language (SMTP sink)", () => {
  let sink: SmtpSink;
  const server = useTestServer({ mail: true });
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    baton = server.baton;
    sink = server.mail.sink;
    http = server.http;
    const deployed = await baton.deployDirectory(path.resolve('processes'));
    expect(deployed.filter((result) => result.error)).to.deep.equal([]);
  });

  /** Sends what the outbox holds and returns what the SMTP server received. */
  async function delivered() {
    await baton.dispatcher!.tick();
    return sink.received.splice(0);
  }

  async function request(acceptLanguage: string): Promise<IntakeAnswer> {
    const headers = { 'accept-language': acceptLanguage };
    const form = (await http.anonymous.request('GET', '/api/public/processes/field-service/intake', undefined, headers)).body as IntakeForm;
    baton.clock.advance(3000);
    const res = await http.anonymous.request('POST', '/api/public/processes/field-service/requests', { data: REQUEST, formStamp: form.formStamp, website: '' }, headers);
    expect(res.status, res.text).to.equal(201);
    return res.body as IntakeAnswer;
  }

  async function instanceOf(ticketNumber: string): Promise<{ id: string; variables: Record<string, unknown> }> {
    const [row] = (await http.request('GET', `/api/instances?ticket=${ticketNumber}`)).body as { id: string }[];
    return (await http.request('GET', `/api/instances/${row!.id}`)).body as { id: string; variables: Record<string, unknown> };
  }

  it('a customer whose browser asks for Russian gets the confirmation in Russian; an English one in English', async () => {
    // given a Russian and an English customer sending the public request form
    const russian = await request('ru-RU,ru;q=0.9,en;q=0.4');
    const english = await request('en-GB,en;q=0.9');
    // then the ticket records each one's language
    expect((await instanceOf(russian.ticketNumber)).variables['customerLang']).to.equal('ru');
    expect((await instanceOf(english.ticketNumber)).variables['customerLang']).to.equal('en');
    // and each confirmation arrives in that language, with the ticket number and the status link
    const mails = await delivered();
    expect(mails).to.have.length(2);
    const toRussian = mails.find((mail) => mail.body.includes(russian.ticketNumber))!;
    expect(toRussian.headers.get('subject')).to.equal(`Ваша заявка ${russian.ticketNumber}: Report a problem with your equipment`);
    expect(toRussian.body).to.contain('Мы получили вашу заявку').and.contain(russian.statusUrl);
    const toEnglish = mails.find((mail) => mail.body.includes(english.ticketNumber))!;
    expect(toEnglish.headers.get('subject')).to.equal(`Your request ${english.ticketNumber}: Report a problem with your equipment`);
    expect(toEnglish.body).to.contain('we have your request').and.contain(english.statusUrl);
  });

  it('a help-desk ticket staff open with customerLang ru tells the customer in Russian; without it, in English', async () => {
    // given two tickets opened by staff, one for a Russian-speaking customer
    const start = async (variables: Record<string, unknown>) => {
      const res = await http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables });
      expect(res.status, res.text).to.equal(201);
      return res.body as { id: string; ticketNumber: string; openTasks: { id: string }[] };
    };
    const russian = await start({ customerEmail: 'ivan@example.com', customerLang: 'ru' });
    const english = await start({ customerEmail: 'eva@example.com' });
    expect((await instanceOf(english.ticketNumber)).variables['customerLang']).to.equal('en');
    // when first line resolves both
    for (const ticket of [russian, english]) {
      const res = await http.request('POST', `/api/tasks/${ticket.openTasks[0]!.id}/complete`, { variables: { resolved: true } });
      expect(res.status, res.text).to.equal(200);
    }
    // then each customer is told in their language (the catalog's template, with the ticket number)
    const mails = await delivered();
    // (each also got its status link when the ticket opened, in its language too)
    const toIvan = mails.find((mail) => mail.rcptTo.includes('ivan@example.com') && !mail.body.includes('/status/'))!;
    expect(toIvan.headers.get('subject')).to.equal(`Ваша заявка ${russian.ticketNumber} решена`);
    expect(toIvan.body).to.contain(`Ваша заявка ${russian.ticketNumber} решена`);
    const toEva = mails.find((mail) => mail.rcptTo.includes('eva@example.com') && !mail.body.includes('/status/'))!;
    const linkToIvan = mails.find((mail) => mail.rcptTo.includes('ivan@example.com') && mail.body.includes('/status/'))!;
    expect(linkToIvan.headers.get('subject')).to.not.equal(`Your ticket ${russian.ticketNumber}`);
    expect(toEva.headers.get('subject')).to.equal(`Your ticket ${english.ticketNumber} has been resolved`);
  });

  it('refuses a language Baton does not speak with 400, starting nothing', async () => {
    const before = ((await http.request('GET', '/api/instances')).body as unknown[]).length;
    const res = await http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com', customerLang: 'xx' } });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('customerLang').and.contain('en, ru');
    expect(((await http.request('GET', '/api/instances')).body as unknown[]).length).to.equal(before);
  });

  it('an email task naming a template the catalog lacks raises an incident that names it, and sends nothing', async () => {
    await baton.definitions.deploy(UNKNOWN_TEMPLATE);
    const res = await http.request('POST', '/api/instances', { processKey: 'unknown-template', variables: { customerEmail: 'eva@example.com' } });
    expect(res.status, res.text).to.equal(201);
    const started = (await http.request('GET', '/api/instances?process=unknown-template')).body as { id: string }[];
    const view = (await http.request('GET', `/api/instances/${started[0]!.id}`)).body as { incidents: { message: string; status: string }[] };
    expect(view.incidents.map((incident) => incident.message).join(' ')).to.contain('no-such-template');
    // only the ticket's status link went out (every ticket with a contact gets one), nothing of the failed task
    expect((await delivered()).filter((mail) => !mail.body.includes('/status/'))).to.deep.equal([]);
  });
});
