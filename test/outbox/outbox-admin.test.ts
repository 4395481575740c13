import { expect } from 'chai';

import type { OutboxMessage } from '../../server/outbox/outbox-message.js';
import { addUser, bpmn, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';

const NOTIFY = bpmn(
  'notify',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="confirm" />
   <bpmn:sendTask id="confirm" name="Confirm" camunda:type="external" camunda:topic="email">
     <bpmn:extensionElements><camunda:inputOutput>
       <camunda:inputParameter name="to">\${customerEmail}</camunda:inputParameter>
       <camunda:inputParameter name="subject">Ticket \${ticketNumber}</camunda:inputParameter>
       <camunda:inputParameter name="body">We are on it.</camunda:inputParameter>
     </camunda:inputOutput></bpmn:extensionElements>
   </bpmn:sendTask>
   <bpmn:sequenceFlow id="f2" sourceRef="confirm" targetRef="end" /><bpmn:endEvent id="end" />`,
);

describe('Outbox for administrators (API)', () => {
  let sink: SmtpSink;
  const server = useTestServer({ mail: true });
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    baton = server.baton;
    sink = server.mail.sink;
    http = server.http;
    await baton.definitions.deploy(NOTIFY);
  });

  it('lists a failed email with the SMTP error; a resend delivers it once the server accepts', async () => {
    // given an email the SMTP server refused
    sink.rejectWith = { code: 550, message: 'mailbox unavailable' };
    const { instance } = await baton.instances.start({ processKey: 'notify', variables: { customerEmail: 'ada@example.org' }, businessKey: null }, 'api');
    await baton.dispatcher!.tick();
    const failed = (await http.request('GET', '/api/outbox?state=failed')).body as OutboxMessage[];
    expect(failed.map((message) => message.instanceId)).to.deep.equal([instance.id]);
    expect(failed[0]!.lastError).to.match(/mailbox unavailable/);
    // when the server is fixed and an admin resends it
    sink.rejectWith = null;
    const res = await http.request('POST', `/api/outbox/${failed[0]!.id}/resend`, {});
    expect(res.status, res.text).to.equal(200);
    // then it was delivered and is listed as sent
    expect(sink.received).to.have.length(1);
    expect(((await http.request('GET', '/api/outbox?state=sent')).body as OutboxMessage[]).map((message) => message.id)).to.deep.equal([failed[0]!.id]);
    expect((await http.request('GET', '/api/outbox?state=failed')).body).to.deep.equal([]);
    // and resending a sent one is 409, an unknown one 404, a bad state 400
    expect((await http.request('POST', `/api/outbox/${failed[0]!.id}/resend`, {})).status).to.equal(409);
    expect((await http.request('POST', '/api/outbox/nope/resend', {})).status).to.equal(404);
    expect((await http.request('GET', '/api/outbox?state=lost')).status).to.equal(400);
  });

  it('is for admins only', async () => {
    await addUser(baton, 'pat', 'process-owner', ['l1']);
    const pat = await http.as('pat');
    expect((await pat.request('GET', '/api/outbox')).status).to.equal(403);
    expect((await pat.request('POST', '/api/outbox/x/resend', {})).status).to.equal(403);
  });
});
