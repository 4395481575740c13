import { expect } from 'chai';

import { bpmn } from './support/harness.js';
import { useTestServer } from './support/test-server.js';

const PROCESS = bpmn(
  'refund',
  `<bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="RF" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Check the refund" camunda:candidateGroups="payments" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

interface ErrorResponse {
  error: { code: string; message: string; issues: { elementId: string | null; message: string }[] };
}

describe('HTTP API', () => {
  const server = useTestServer();

  async function deploy(xml = PROCESS) {
    return server.http.request('POST', '/api/definitions', xml, { 'content-type': 'application/xml' });
  }

  async function counts() {
    const db = server.baton.store as unknown as { db: { prepare(sql: string): { get(): { n: number } } } };
    const count = (table: string) => db.db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
    return { definitions: count('definitions'), instances: count('instances'), tasks: count('tasks'), audit: count('audit_events') };
  }

  it('reports health with the store reachable', async () => {
    const res = await server.http.request('GET', '/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ status: 'ok', store: 'sqlite' });
  });

  it('deploys, versions only changed diagrams, and serves the XML of each version', async () => {
    // when the same diagram is deployed twice and a changed one once
    const first = await deploy();
    const again = await deploy();
    const changed = await deploy(PROCESS.replace('Check the refund', 'Check the refund request'));
    // then there are two versions, the identical deploy created nothing
    expect(first.status).to.equal(201);
    expect(first.body).to.include({ key: 'refund', version: 1, created: true });
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ version: 1, created: false });
    expect(changed.body).to.include({ version: 2, created: true });
    const versions = await server.http.request('GET', '/api/definitions/refund/versions');
    expect((versions.body as { version: number }[]).map((v) => v.version)).to.deep.equal([2, 1]);
    const xml = await server.http.request('GET', '/api/definitions/refund/versions/1/xml');
    expect(xml.text).to.equal(PROCESS);
  });

  it('starts an instance with a ticket number, completes its task, and shows it completed', async () => {
    // given a deployed process
    await deploy();
    // when an instance is started over HTTP
    const started = await server.http.request('POST', '/api/instances', { processKey: 'refund', variables: { amount: 12.5 }, businessKey: 'order-1' });
    expect(started.status).to.equal(201);
    const { id, ticketNumber, openTasks } = started.body as { id: string; ticketNumber: string; openTasks: { id: string }[] };
    expect(ticketNumber).to.equal('RF-000001');
    // and its task is completed
    const done = await server.http.request('POST', `/api/tasks/${openTasks[0]!.id}/complete`, { variables: { approved: true } });
    expect(done.status).to.equal(200);
    // then the instance is completed, findable by ticket
    const found = await server.http.request('GET', `/api/instances?ticket=${ticketNumber}`);
    expect((found.body as { id: string; status: string }[]).map((i) => [i.id, i.status])).to.deep.equal([[id, 'completed']]);
    const view = await server.http.request('GET', `/api/instances/${id}`);
    expect((view.body as { variables: unknown }).variables).to.deep.include({ amount: 12.5, approved: true });
    expect(view.body).not.to.have.property('state');
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    beforeEach(async () => {
      await deploy();
    });

    const cases: [string, () => Promise<{ status: number; body: unknown }>, number, string][] = [
      ['malformed XML', () => deploy('<bpmn:definitions><oops'), 422, 'DEPLOY_INVALID'],
      ['an empty deploy body', () => deploy(''), 400, 'INVALID_INPUT'],
      ['an unknown process key', () => server.http.request('POST', '/api/instances', { processKey: 'nope' }), 404, 'NOT_FOUND'],
      ['variables that are not an object', () => server.http.request('POST', '/api/instances', { processKey: 'refund', variables: [1, 2] }), 400, 'INVALID_INPUT'],
      ['a variable name the engine reserves', () => server.http.request('POST', '/api/instances', { processKey: 'refund', variables: { content: 1 } }), 400, 'INVALID_INPUT'],
      ['a body that is not JSON', () => server.http.request('POST', '/api/instances', '{"processKey": ', { 'content-type': 'application/json' }), 400, 'INVALID_INPUT'],
      ['an unknown task', () => server.http.request('POST', '/api/tasks/nope/complete', { variables: {} }), 404, 'NOT_FOUND'],
      ['an unknown route', () => server.http.request('GET', '/api/nothing-here'), 404, 'NOT_FOUND'],
    ];
    for (const [what, call, status, code] of cases) {
      it(`rejects ${what} with ${status}`, async () => {
        const before = await counts();
        const res = await call();
        expect(res.status).to.equal(status);
        expect((res.body as ErrorResponse).error.code).to.equal(code);
        expect((res.body as ErrorResponse).error.message)
          .to.be.a('string')
          .and.not.match(/at .*\.ts:\d+/);
        expect(await counts()).to.deep.equal(before);
      });
    }

    it('rejects a 50 MB body with 413 without reading it into the store', async () => {
      const before = await counts();
      const huge = 'x'.repeat(50 * 1024 * 1024);
      const res = await server.http.request('POST', '/api/definitions', huge, { 'content-type': 'application/xml' });
      expect(res.status).to.equal(413);
      const json = await server.http.request('POST', '/api/instances', { processKey: 'refund', variables: { blob: huge } });
      expect(json.status).to.equal(413);
      expect(await counts()).to.deep.equal(before);
    });

    it('answers 409 to a task completed twice and to a task of a cancelled instance', async () => {
      // given two instances, one of them cancelled
      const a = (await server.http.request('POST', '/api/instances', { processKey: 'refund' })).body as { id: string; openTasks: { id: string }[] };
      const b = (await server.http.request('POST', '/api/instances', { processKey: 'refund' })).body as { id: string; openTasks: { id: string }[] };
      expect((await server.http.request('POST', `/api/tasks/${a.openTasks[0]!.id}/complete`, {})).status).to.equal(200);
      expect((await server.http.request('POST', `/api/instances/${b.id}/cancel`, { reason: 'duplicate request' })).status).to.equal(200);
      const before = await counts();
      // when completing again, and completing the cancelled instance's task
      const twice = await server.http.request('POST', `/api/tasks/${a.openTasks[0]!.id}/complete`, {});
      const cancelled = await server.http.request('POST', `/api/tasks/${b.openTasks[0]!.id}/complete`, {});
      // then both are conflicts and nothing was written
      expect(twice.status).to.equal(409);
      expect(cancelled.status).to.equal(409);
      expect((cancelled.body as ErrorResponse).error.message).to.match(/cancelled/);
      expect(await counts()).to.deep.equal(before);
    });

    it('answers 409 to a second instance with the same business key', async () => {
      expect((await server.http.request('POST', '/api/instances', { processKey: 'refund', businessKey: 'order-7' })).status).to.equal(201);
      const before = await counts();
      const again = await server.http.request('POST', '/api/instances', { processKey: 'refund', businessKey: 'order-7' });
      expect(again.status).to.equal(409);
      expect(await counts()).to.deep.equal(before);
    });

    it('refuses a script task and a JavaScript condition at deploy, naming the elements', async () => {
      const before = await counts();
      const script = await deploy(
        bpmn(
          'scripted',
          `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="js" />
          <bpmn:scriptTask id="js" scriptFormat="javascript"><bpmn:script>process.exit(1)</bpmn:script></bpmn:scriptTask>`,
        ),
      );
      const condition = await deploy(
        bpmn(
          'jscond',
          `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g" />
          <bpmn:exclusiveGateway id="g" default="f2" />
          <bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">next(null, true)</bpmn:conditionExpression></bpmn:sequenceFlow>
          <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e" /><bpmn:endEvent id="e" />`,
        ),
      );
      expect(script.status).to.equal(422);
      expect((script.body as ErrorResponse).error.issues.map((i) => i.elementId)).to.include('js');
      expect(condition.status).to.equal(422);
      expect((condition.body as ErrorResponse).error.issues.map((i) => i.elementId)).to.include('f1');
      expect(await counts()).to.deep.equal(before);
    });
  });
});
