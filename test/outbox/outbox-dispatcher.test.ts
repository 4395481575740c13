import { expect } from 'chai';

import { loadConfig } from '../../server/config.js';
import { InvalidInputError } from '../../server/errors.js';
import { OutboxDispatcher } from '../../server/outbox/outbox-dispatcher.js';
import type { OutboxMessage } from '../../server/outbox/outbox-message.js';
import { IDEMPOTENCY_HEADER, SmtpTransport } from '../../server/outbox/smtp-transport.js';
import { bpmn, silentLogger, type TestBaton } from '../support/harness.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';

const NOTIFY = bpmn(
  'notify',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="confirm" />
    <bpmn:sendTask id="confirm" name="Confirm receipt" camunda:type="external" camunda:topic="email">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="to">\${customerEmail}</camunda:inputParameter>
        <camunda:inputParameter name="subject">Ticket \${ticketNumber} received</camunda:inputParameter>
        <camunda:inputParameter name="body">Hello \${customerName}, we are on it.</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:sendTask>
    <bpmn:sequenceFlow id="f2" sourceRef="confirm" targetRef="handle" />
    <bpmn:userTask id="handle" name="Handle the request" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f3" sourceRef="handle" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const MINUTE = 60_000;

describe('OutboxDispatcher', () => {
  let sink: SmtpSink;
  let transport: SmtpTransport;
  const server = useTestServer({ mail: true });
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    ({ sink, transport } = server.mail);
    await baton.definitions.deploy(NOTIFY);
  });

  function dispatcher(): OutboxDispatcher {
    if (!baton.dispatcher) throw new Error('Baton was started with a mail transport, so it has a dispatcher');
    return baton.dispatcher;
  }

  async function queueEmail(name = 'Ada', email = 'ada@example.org'): Promise<{ instanceId: string; ticketNumber: string; row: OutboxMessage }> {
    const started = await baton.instances.start({ processKey: 'notify', variables: { customerEmail: email, customerName: name }, businessKey: null }, 'api');
    const [row] = await baton.store.outbox.forInstance(started.instance.id);
    if (!row) throw new Error('the process should have queued an email');
    return { instanceId: started.instance.id, ticketNumber: started.instance.ticketNumber, row };
  }

  async function rowOf(instanceId: string): Promise<OutboxMessage | undefined> {
    return (await baton.store.outbox.forInstance(instanceId))[0];
  }

  it('sends a queued email with its recipient, subject, body and idempotency key, and marks it sent', async () => {
    // given a process instance that queued a confirmation email
    const { instanceId, ticketNumber, row } = await queueEmail();
    expect(row).to.include({ sentAt: null, attempts: 0 });
    // when the dispatcher ticks
    const sent = await dispatcher().tick();
    // then the SMTP server received exactly that email
    expect(sent).to.equal(1);
    expect(sink.received).to.have.length(1);
    const [mail] = sink.received;
    expect(mail?.rcptTo).to.deep.equal(['ada@example.org']);
    expect(mail?.headers.get('to')).to.equal('ada@example.org');
    expect(mail?.headers.get('from')).to.equal('Baton <baton@baton.test>');
    expect(mail?.headers.get('subject')).to.equal(`Ticket ${ticketNumber} received`);
    expect(mail?.headers.get(IDEMPOTENCY_HEADER.toLowerCase())).to.equal(row.idempotencyKey);
    expect(mail?.headers.get('message-id')).to.match(/^<[0-9a-f]{32}@baton\.test>$/);
    expect(mail?.body).to.equal('Hello Ada, we are on it.');
    // and the outbox row is marked sent at the clock's time, after one attempt
    expect(await rowOf(instanceId)).to.include({ sentAt: baton.clock.now().toISOString(), attempts: 1, lastError: null });
  });

  it('is woken by the committed step that queued an email, without waiting for the poll', async () => {
    // given a started dispatcher whose first poll found nothing (the next one is 5 s away)
    dispatcher().start();
    await delay(100);
    expect(sink.received).to.have.length(0);
    // when a process queues an email
    const { instanceId } = await queueEmail();
    // then it arrives well before the next poll
    await waitFor(() => sink.received.length === 1, 2000);
    await waitFor(async () => (await rowOf(instanceId))?.sentAt !== null, 1000);
  });

  it('keeps a rejected email pending with its error, and sends it once when the server accepts', async () => {
    // given a server that refuses the recipient, and a queued email
    sink.rejectWith = { code: 550, message: 'mailbox unavailable' };
    const { instanceId } = await queueEmail();
    // when the dispatcher ticks
    expect(await dispatcher().tick()).to.equal(0);
    // then nothing arrived and the row stays pending with one attempt and the server's answer
    expect(sink.received).to.have.length(0);
    const failed = await rowOf(instanceId);
    expect(failed).to.include({ sentAt: null, attempts: 1 });
    expect(failed?.lastError).to.match(/550/);

    // when the server accepts again, a tick before the retry delay leaves the email alone
    sink.rejectWith = null;
    expect(await dispatcher().tick()).to.equal(0);
    expect(sink.received).to.have.length(0);
    // and a tick after the delay sends it
    baton.clock.advance(MINUTE);
    expect(await dispatcher().tick()).to.equal(1);
    // then it arrived once and the row is sent after two attempts; later ticks send nothing more
    expect(await dispatcher().tick()).to.equal(0);
    expect(sink.received).to.have.length(1);
    expect(await rowOf(instanceId)).to.include({ attempts: 2, sentAt: baton.clock.now().toISOString() });
  });

  it('never sends the same row twice, across concurrent and later ticks', async () => {
    // given two queued emails
    const ada = await queueEmail('Ada', 'ada@example.org');
    const bob = await queueEmail('Bob', 'bob@example.org');
    // when ticks are asked for at once and again afterwards
    const [first, second] = await Promise.all([dispatcher().tick(), dispatcher().tick()]);
    const third = await dispatcher().tick();
    // then the concurrent calls share one run, and each email went exactly once, oldest first
    expect([first, second, third]).to.deep.equal([2, 2, 0]);
    expect(sink.received.map((mail) => mail.headers.get(IDEMPOTENCY_HEADER.toLowerCase()))).to.deep.equal([ada.row.idempotencyKey, bob.row.idempotencyKey]);
  });

  it('gives up on an email after the configured number of failed attempts', async () => {
    // given a dispatcher that gives up after two attempts and retries at once, and a refusing server
    const strict = new OutboxDispatcher(baton.store.outbox, transport, baton.runner.events, baton.clock, silentLogger, {
      maxAttempts: 2,
      retryBaseMs: 0,
    });
    sink.rejectWith = { code: 550, message: 'no such user' };
    const { instanceId } = await queueEmail();
    // when it ticks three times, and once more after the server accepts again
    await strict.tick();
    await strict.tick();
    await strict.tick();
    sink.rejectWith = null;
    const late = await strict.tick();
    // then the server was asked twice only, and the row stays unsent with two attempts
    expect(sink.rcptAttempts).to.equal(2);
    expect(late).to.equal(0);
    expect(sink.received).to.have.length(0);
    expect(await rowOf(instanceId)).to.include({ sentAt: null, attempts: 2 });
  });

  it('does not use up attempts while the mail server is unreachable', async () => {
    // given a queued email and a transport aimed at a port nobody listens on
    const { instanceId } = await queueEmail();
    const closed = await startSmtpSink();
    await closed.close();
    const unreachable = new SmtpTransport({ url: closed.url, from: 'baton@baton.test', timeoutMs: 1000 });
    const offline = new OutboxDispatcher(baton.store.outbox, unreachable, baton.runner.events, baton.clock, silentLogger);
    // when it ticks
    const sent = await offline.tick();
    // then nothing went and the row is as it was, so an outage does not lead to giving up
    expect(sent).to.equal(0);
    expect(await rowOf(instanceId)).to.include({ sentAt: null, attempts: 0, lastError: null });
    // and the configured dispatcher sends it once the server is reachable
    expect(await dispatcher().tick()).to.equal(1);
  });

  it('waits on stop for the send in progress and records it', async () => {
    // given a slow server and a send under way
    sink.dataDelayMs = 300;
    const { instanceId } = await queueEmail();
    const ticking = dispatcher().tick();
    await delay(100);
    // when the dispatcher stops
    await dispatcher().stop();
    // then the send finished and was recorded before stop resolved
    expect(sink.received).to.have.length(1);
    expect((await rowOf(instanceId))?.sentAt).to.be.a('string');
    expect(await ticking).to.equal(1);
  });
});

describe('Baton without a mail transport', () => {
  const server = useTestServer();

  it('has no dispatcher and keeps emails queued', async () => {
    // given a Baton started without SMTP
    const { baton } = server;
    await baton.definitions.deploy(NOTIFY);
    // when a process queues an email
    const started = await baton.instances.start({ processKey: 'notify', variables: { customerEmail: 'ada@example.org', customerName: 'Ada' }, businessKey: null }, 'api');
    // then nothing dispatches it and it stays pending in the outbox
    expect(baton.dispatcher).to.equal(null);
    expect(await baton.store.outbox.pending(10)).to.have.length(1);
    expect((await baton.store.outbox.forInstance(started.instance.id))[0]).to.include({ sentAt: null, attempts: 0 });
  });
});

describe('SMTP configuration', () => {
  it('rejects a BATON_SMTP_URL that is not smtp:// or smtps://, without echoing it', () => {
    // given URLs with the wrong scheme or none
    for (const url of ['http://x', 'http://user:secret@mail.example.org', 'mail.example.org:587']) {
      // when the configuration is loaded
      // then it fails with a message naming the variable, never the value
      let error: unknown;
      try {
        loadConfig({ BATON_SMTP_URL: url });
      } catch (err) {
        error = err;
      }
      expect(error, url).to.be.instanceOf(InvalidInputError);
      expect((error as Error).message).to.match(/BATON_SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
      expect((error as Error).message).not.to.include('secret');
    }
  });

  it('accepts smtp:// and smtps:// URLs, with a default sender, and no SMTP when unset or empty', () => {
    // given valid, empty and missing settings
    // when each is loaded
    // then SMTP is configured only for the URLs, with the default or given sender
    expect(loadConfig({ BATON_SMTP_URL: 'smtp://user:pass@mail.example.org:587' }).smtp).to.deep.equal({
      url: 'smtp://user:pass@mail.example.org:587',
      from: 'Baton <baton@localhost>',
    });
    expect(loadConfig({ BATON_SMTP_URL: 'smtps://mail.example.org', BATON_MAIL_FROM: 'desk@example.org' }).smtp).to.deep.equal({
      url: 'smtps://mail.example.org',
      from: 'desk@example.org',
    });
    expect(loadConfig({ BATON_SMTP_URL: '' }).smtp).to.equal(null);
    expect(loadConfig({}).smtp).to.equal(null);
  });

  it('rejects a BATON_MAIL_FROM that is not an address', () => {
    // given a sender without an address
    // when the configuration is loaded
    // then it fails naming the variable
    expect(() => loadConfig({ BATON_MAIL_FROM: 'Baton' })).to.throw(InvalidInputError, /BATON_MAIL_FROM/);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(20);
  }
}
