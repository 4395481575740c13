import { expect } from 'chai';

import { bpmn, removeDir, startTestBaton, type TestBaton } from '../support/harness.js';
import { listen, type Http } from '../support/http.js';

const PROCESS = bpmn(
  'audited',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:userTask id="t" name="Check" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
);

interface Verification {
  valid: boolean;
  events: number;
  firstInvalid: { seq: number; reason: string } | null;
}

describe('Audit trail verification and export', () => {
  let baton: TestBaton;
  let http: Http;
  let instanceId: string;

  beforeEach(async () => {
    baton = await startTestBaton();
    http = await listen(baton);
    await baton.definitions.deploy(PROCESS);
    const { instance, opened } = await baton.instances.start({ processKey: 'audited', variables: { note: 'a, "quoted" note' }, businessKey: null }, 'api');
    await baton.tasks.complete(opened[0]!.id, { ok: true }, 'alice');
    instanceId = instance.id;
  });

  afterEach(async () => {
    await http.close();
    await baton.close();
    removeDir(baton.dir);
  });

  function db() {
    return (baton.store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).db;
  }

  async function verify(): Promise<Verification> {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit/verify`);
    expect(res.status).to.equal(200);
    return res.body as Verification;
  }

  it('answers valid for an untouched trail', async () => {
    const result = await verify();
    expect(result.valid).to.equal(true);
    expect(result.events).to.be.greaterThan(5);
  });

  it('names the event whose stored content was changed', async () => {
    // when one field of event 3 is changed directly in SQLite
    db().prepare("UPDATE audit_events SET actor = 'mallory' WHERE instance_id = ? AND seq = 3").run(instanceId);
    // then verify names event 3
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid).to.deep.include({ seq: 3 });
  });

  it('detects events deleted from the end of the trail', async () => {
    db().prepare('DELETE FROM audit_events WHERE instance_id = ? AND seq > 4').run(instanceId);
    const result = await verify();
    expect(result.valid).to.equal(false);
    expect(result.firstInvalid?.seq).to.equal(5);
  });

  it('exports the trail as CSV with quoting intact', async () => {
    const res = await http.request('GET', `/api/instances/${instanceId}/audit?format=csv`);
    expect(res.status).to.equal(200);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).to.equal('seq,at,type,actor,elementId,definitionId,data,prevHash,hash');
    expect(lines[1]).to.match(/^1,.*,instance\.started,api,/);
    expect(res.text).to.contain('""note"":""a, ');
  });

  it('answers 404 for an unknown instance', async () => {
    const res = await http.request('GET', '/api/instances/nope/audit/verify');
    expect(res.status).to.equal(404);
  });
});
