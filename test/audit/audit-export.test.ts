import { expect } from 'chai';

import type { AuditEvent } from '../../server/audit/audit-event.js';
import { AUDIT_PAGE } from '../../server/audit/audit.service.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

/** A task that loops back until `done`: every round adds about a dozen events to the trail. */
const LOOP = bpmn(
  'loop',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="j" />
    <bpmn:exclusiveGateway id="j" /><bpmn:sequenceFlow id="f2" sourceRef="j" targetRef="t" />
    <bpmn:userTask id="t" name="Work" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="g" />
    <bpmn:exclusiveGateway id="g" default="back" />
    <bpmn:sequenceFlow id="out" sourceRef="g" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${done}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="back" sourceRef="g" targetRef="j" />
    <bpmn:endEvent id="e" />`,
);

describe('Audit trail export (JSON and CSV, streamed in pages)', () => {
  const server = useTestServer({ scope: 'all' });
  let baton: TestBaton;
  let http: Http;
  let instanceId: string;
  let stored: AuditEvent[];

  before(async () => {
    baton = server.baton;
    http = server.http;
    await baton.definitions.deploy(LOOP);
    const started = await baton.instances.start({ processKey: 'loop', variables: { note: '=cmd|"quoted", comma' }, businessKey: null }, 'api');
    instanceId = started.instance.id;
    // enough rounds for the trail to span more than two pages
    for (let round = 0; (await baton.store.audit.forInstance(instanceId)).length <= 2 * AUDIT_PAGE + 10; round++) {
      const [task] = await baton.tasks.list({ instanceId, status: 'open' });
      await baton.tasks.complete(task!.id, { done: false, round }, 'alice');
    }
    const [task] = await baton.tasks.list({ instanceId, status: 'open' });
    await baton.tasks.complete(task!.id, { done: true }, 'alice');
    stored = await baton.store.audit.forInstance(instanceId);
  });

  it('exports JSON by default: every event, in order, exactly as stored', async () => {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit`);
    expect(res.status).to.equal(200);
    expect(stored.length).to.be.greaterThan(2 * AUDIT_PAGE);
    expect(res.body).to.deep.equal(stored);
    const explicit = await http.request('GET', `/api/instances/${instanceId}/audit?format=json`);
    expect(explicit.body).to.deep.equal(stored);
  });

  it('exports CSV: a header, one row per event, quoting and formula cells defused', async () => {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit?format=csv`);
    expect(res.status).to.equal(200);
    const lines = res.text.trimEnd().split('\n');
    expect(lines[0]).to.equal('seq,at,type,actor,elementId,definitionId,data,prevHash,hash');
    expect(lines).to.have.length(stored.length + 1);
    expect(lines[1]).to.match(/^1,.*,instance\.started,api,/);
    expect(lines.at(-1)).to.match(new RegExp(`^${stored.length},.*,instance\\.completed,system,`));
    expect(res.text).to.contain('""note"":""=cmd|\\""quoted\\"", comma""');
  });
});
