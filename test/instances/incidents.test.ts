import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { IncidentRaisedError } from '../../server/errors.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const GATEWAY = bpmn(
  'gated',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess" />
    <bpmn:userTask id="assess" name="Assess" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="big" />
    <bpmn:exclusiveGateway id="big" default="small" />
    <bpmn:sequenceFlow id="large" sourceRef="big" targetRef="l2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${secondLook}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="big" targetRef="end" />
    <bpmn:userTask id="l2" name="Second look" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f3" sourceRef="l2" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

function hooked(url: string) {
  return bpmn(
    'hooked',
    `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Tell the payment provider" camunda:type="external" camunda:topic="webhook">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="url">${url}</camunda:inputParameter>
        <camunda:inputParameter name="body">=({ticket: ticketNumber, amount: amount})</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="mail" />
    <bpmn:sendTask id="mail" name="Confirm to the customer" camunda:type="external" camunda:topic="email">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="to">\${customerEmail}</camunda:inputParameter>
        <camunda:inputParameter name="subject">Refund for \${ticketNumber}</camunda:inputParameter>
        <camunda:inputParameter name="body">We refund \${amount} EUR.</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:sendTask>
    <bpmn:sequenceFlow id="f3" sourceRef="mail" targetRef="follow" />
    <bpmn:userTask id="follow" name="Follow up" camunda:candidateGroups="payments" />
    <bpmn:sequenceFlow id="f4" sourceRef="follow" targetRef="end" />
    <bpmn:endEvent id="end" />`,
  );
}

/** A real HTTP endpoint that fails the first `failures` calls, then answers 200. */
async function flakyEndpoint(failures: number) {
  const calls: { key: string | undefined; body: unknown }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      calls.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(data || 'null') });
      res.statusCode = calls.length <= failures ? 503 : 200;
      res.end(JSON.stringify({ accepted: calls.length > failures }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/refund`, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('Incidents', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  describe('a condition that cannot be evaluated', () => {
    it('raises an incident instead of silently taking a flow, and keeps the task open', async () => {
      // given an instance at the assessment
      await baton.definitions.deploy(GATEWAY);
      const { instance, opened } = await baton.instances.start({ processKey: 'gated', variables: {}, businessKey: null }, 'api');
      const taskId = opened[0]!.id;
      // when the task is completed with a yes/no answer that arrived as text
      let error: unknown;
      try {
        await baton.tasks.complete(taskId, { secondLook: 'yes' }, 'alice');
      } catch (err) {
        error = err;
      }
      // then the completion is refused with an incident, the task is still open, nothing moved
      expect(error).to.be.instanceOf(IncidentRaisedError);
      const view = await baton.instances.get(instance.id);
      expect(view.openTasks.map((task) => task.id)).to.deep.equal([taskId]);
      expect(view.incidents).to.have.length(1);
      expect(view.incidents[0]).to.include({ status: 'open', kind: 'expression', elementId: 'large' });

      // when the retry replays the same data, it fails again on the same incident (no duplicate)
      await baton.instances.retryIncident(instance.id, view.incidents[0]!.id, 'admin');
      expect((await baton.instances.get(instance.id)).incidents).to.have.length(1);

      // when the task is completed with corrected data
      await baton.tasks.complete(taskId, { secondLook: true }, 'alice');
      // then the process continues and the incident is resolved
      const after = await baton.instances.get(instance.id);
      expect(after.openTasks.map((task) => task.elementId)).to.deep.equal(['l2']);
      expect(after.incidents.map((incident) => incident.status)).to.deep.equal(['resolved']);
      const types = (await baton.instances.auditTrail(instance.id)).map((event) => event.type);
      expect(types.filter((type) => type === 'incident.raised')).to.have.length(2);
      expect(types).to.include('incident.resolved');
    });
  });

  describe('a failing connector', () => {
    it('becomes a service incident; retry calls it again with the same idempotency key and goes on', async () => {
      // given an endpoint that fails twice (both attempts of the first run), then accepts
      const endpoint = await flakyEndpoint(2);
      try {
        await baton.definitions.deploy(hooked(endpoint.url));
        // when an instance starts
        const { instance } = await baton.instances.start({ processKey: 'hooked', variables: { amount: 40, customerEmail: 'ana@example.com' }, businessKey: null }, 'api');
        // then it waits on an open service incident, no task, no email yet
        let view = await baton.instances.get(instance.id);
        expect(view.status).to.equal('running');
        expect(view.openTasks).to.have.length(0);
        expect(view.incidents.map((incident) => [incident.kind, incident.elementId, incident.status])).to.deep.equal([['service', 'notify', 'open']]);
        expect(view.incidents[0]!.message).to.match(/503/);
        expect(await baton.store.outbox.forInstance(instance.id)).to.have.length(0);

        // when Baton restarts and an operator retries the incident
        baton = await baton.restart();
        view = await baton.instances.retryIncident(instance.id, view.incidents[0]!.id, 'admin');
        // then the call succeeded, the email is queued once, and the follow-up task is open
        expect(endpoint.calls).to.have.length(3);
        expect(new Set(endpoint.calls.map((call) => call.key)).size).to.equal(1);
        expect(endpoint.calls[2]!.body).to.deep.equal({ ticket: instance.ticketNumber, amount: 40 });
        expect(view.incidents.map((incident) => incident.status)).to.deep.equal(['resolved']);
        expect(view.openTasks.map((task) => task.elementId)).to.deep.equal(['follow']);
        const outbox = await baton.store.outbox.forInstance(instance.id);
        expect(outbox).to.have.length(1);
        expect(outbox[0]!.payload).to.deep.equal({ to: 'ana@example.com', subject: `Refund for ${instance.ticketNumber}`, body: 'We refund 40 EUR.' });
      } finally {
        await endpoint.close();
      }
    });

    it('records an email connector refusal (bad address) as an incident with the reason', async () => {
      const endpoint = await flakyEndpoint(0);
      try {
        await baton.definitions.deploy(hooked(endpoint.url));
        const { instance } = await baton.instances.start({ processKey: 'hooked', variables: { amount: 1, customerEmail: 'not-an-address' }, businessKey: null }, 'api');
        const view = await baton.instances.get(instance.id);
        expect(view.incidents.map((incident) => incident.elementId)).to.deep.equal(['mail']);
        expect(view.incidents[0]!.message).to.match(/email address/);
      } finally {
        await endpoint.close();
      }
    });
  });
});
