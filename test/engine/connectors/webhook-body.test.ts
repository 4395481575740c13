import path from 'node:path';

import { expect } from 'chai';

import { bpmn, type TestBaton } from '../../support/harness.js';
import { refundEndpoint, type RefundEndpoint } from '../../support/refund-endpoint.js';
import { useTestServer } from '../../support/test-server.js';

function webhookProcess(id: string, body: string): string {
  return bpmn(
    id,
    `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:serviceTask id="call" camunda:type="external" camunda:topic="webhook">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="url">\${url}</camunda:inputParameter>
        <camunda:inputParameter name="body">${body}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end" />`,
  );
}

describe('webhook connector: the body is JSON once', () => {
  const server = useTestServer();
  let baton: TestBaton;
  let endpoint: RefundEndpoint;

  beforeEach(async () => {
    baton = server.baton;
    endpoint = await refundEndpoint();
  });

  afterEach(async () => {
    await endpoint.close();
  });

  it("the payment incident's refund request reaches the provider as a JSON object, even with quotes in the booking reference", async () => {
    // given the shipped payment process and a booking reference with quotes
    expect((await baton.deployDirectory(path.resolve('processes'))).filter((result) => result.error)).to.deep.equal([]);
    const { instance } = await baton.instances.start(
      { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', refundWebhookUrl: endpoint.url, bookingReference: 'BK "9"' }, businessKey: null },
      'api',
    );
    // when payments decide on a refund
    const [task] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
    await baton.tasks.complete(task!.id, { outcome: 'refund' }, 'staff');
    // then the provider got one request whose body parses once into the object
    expect(endpoint.requests).to.have.length(1);
    const [request] = endpoint.requests;
    expect(request!.contentType).to.equal('application/json');
    expect(JSON.parse(request!.body)).to.deep.equal({ ticketNumber: instance.ticketNumber, bookingReference: 'BK "9"', reason: 'charged-not-bound' });
    expect(request!.idempotencyKey).to.be.a('string').and.not.equal('');
  });

  it("a diagram's literal JSON text is sent as it is, not quoted into a JSON string", async () => {
    await baton.definitions.deploy(webhookProcess('literal-json', '{"ticket":"${ticketNumber}","n":2}'));
    const { instance } = await baton.instances.start({ processKey: 'literal-json', variables: { url: endpoint.url }, businessKey: null }, 'api');
    expect(endpoint.requests.map((request) => JSON.parse(request.body) as unknown)).to.deep.equal([{ ticket: instance.ticketNumber, n: 2 }]);
    expect((await baton.instances.get(instance.id)).status).to.equal('completed');
  });

  it('text that is not JSON raises an incident saying so, and nothing is sent', async () => {
    await baton.definitions.deploy(webhookProcess('broken-json', '{"ticket":"${ticket}"'));
    const { instance } = await baton.instances.start({ processKey: 'broken-json', variables: { url: endpoint.url, ticket: 'x' }, businessKey: null }, 'api');
    const view = await baton.instances.get(instance.id);
    expect(view.incidents.map((incident) => incident.message).join(' ')).to.contain("input 'body' is text that is not JSON");
    expect(endpoint.calls).to.equal(0);
  });
});
