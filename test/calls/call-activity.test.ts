import { expect } from 'chai';

import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** The called process, deployed on its own: one check by first line, then a gateway on its answer. */
function child(version: string): string {
  return bpmn(
    'kycCheck',
    `<bpmn:startEvent id="cs" /><bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="check" />
     <bpmn:userTask id="check" name="Check ${version} \${customer}" camunda:candidateGroups="first-line" />
     <bpmn:sequenceFlow id="c2" sourceRef="check" targetRef="gw" />
     <bpmn:exclusiveGateway id="gw" default="c4" />
     <bpmn:sequenceFlow id="c3" sourceRef="gw" targetRef="ok"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${kycResult == "ok"}</bpmn:conditionExpression></bpmn:sequenceFlow>
     <bpmn:sequenceFlow id="c4" sourceRef="gw" targetRef="ok" />
     <bpmn:endEvent id="ok" />`,
  );
}

/** A parent calling it (Camunda 7 attributes), then a user task to see where it continued. */
function parent(binding = ''): string {
  return bpmn(
    'onboarding',
    `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call" />
     <bpmn:callActivity id="call" name="KYC" calledElement="kycCheck" ${binding}>
       <bpmn:extensionElements>
         <camunda:in source="customerId" target="customer" />
         <camunda:out source="kycResult" target="kyc" />
       </bpmn:extensionElements>
     </bpmn:callActivity>
     <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="welcome" />
     <bpmn:userTask id="welcome" name="Welcome" camunda:candidateGroups="first-line" />
     <bpmn:sequenceFlow id="f3" sourceRef="welcome" targetRef="e" /><bpmn:endEvent id="e" />`,
  );
}

describe('Call activities across deployments', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  async function startParent(): Promise<string> {
    const { instance } = await baton.instances.start({ processKey: 'onboarding', variables: { customerId: 'C-9', secret: 'x' }, businessKey: null }, 'api');
    await baton.calls.idle();
    return instance.id;
  }

  async function childOf(parentId: string): Promise<string> {
    const started = (await baton.instances.auditTrail(parentId)).filter((event) => event.type === 'call.started');
    expect(started.length).to.be.greaterThan(0);
    return String(started.at(-1)!.data['childInstanceId']);
  }

  async function openTask(instanceId: string) {
    const [task] = await baton.tasks.list({ instanceId, status: 'open' });
    return task;
  }

  it('starts the called process as its own ticket with the in-variables, and continues the parent with the out-variables', async () => {
    await baton.definitions.deploy(child('v1'));
    const deployed = await baton.definitions.deploy(parent());
    expect(deployed.definition.warnings).to.deep.equal([]);
    // when the parent reaches the call
    const parentId = await startParent();
    // then a child instance runs with only the mapped variable, linked both ways in the logs
    const childId = await childOf(parentId);
    const childView = await baton.instances.get(childId);
    expect(childView.processKey).to.equal('kycCheck');
    expect(childView.variables).to.include({ customer: 'C-9' });
    expect(childView.variables).to.not.have.property('secret');
    expect((await baton.instances.auditTrail(childId)).find((event) => event.type === 'call.parent')?.data).to.include({ parentInstanceId: parentId, elementId: 'call' });
    const check = await openTask(childId);
    expect(check?.name).to.equal('Check v1 C-9');
    expect(await openTask(parentId)).to.equal(undefined);
    // when the child's task is done
    await baton.tasks.complete(check!.id, { kycResult: 'ok' }, 'staff');
    await baton.calls.idle();
    // then the child is completed and the parent continued with kyc, its own ticket number kept
    expect((await baton.instances.get(childId)).status).to.equal('completed');
    const after = await baton.instances.get(parentId);
    expect(after.variables).to.include({ kyc: 'ok', ticketNumber: after.ticketNumber });
    expect(after.variables).to.not.have.property('kycResult');
    expect((await openTask(parentId))?.elementId).to.equal('welcome');
  });

  it('cancels the child with the parent', async () => {
    await baton.definitions.deploy(child('v1'));
    await baton.definitions.deploy(parent());
    const parentId = await startParent();
    const childId = await childOf(parentId);
    await baton.instances.cancel(parentId, 'customer withdrew', 'admin');
    await baton.calls.idle();
    expect((await baton.instances.get(childId)).status).to.equal('cancelled');
  });

  it('raises an incident on the parent when the child has one, resolved when the child ends after all', async () => {
    // a child whose gateway needs a number the completion may lack
    await baton.definitions.deploy(
      child('v1')
        .replace('default="c4"', '')
        .replace('${kycResult == "ok"}', '${score > 5}')
        .replace(
          '<bpmn:sequenceFlow id="c4" sourceRef="gw" targetRef="ok" />',
          '<bpmn:sequenceFlow id="c4" sourceRef="gw" targetRef="ok"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${score &lt;= 5}</bpmn:conditionExpression></bpmn:sequenceFlow>',
        ),
    );
    await baton.definitions.deploy(parent());
    const parentId = await startParent();
    const childId = await childOf(parentId);
    const check = await openTask(childId);
    // a completion without kycResult fails the child's conditions: an incident there, and on the parent
    await baton.tasks.complete(check!.id, {}, 'staff').catch(() => undefined);
    await baton.calls.idle();
    const stuck = await baton.instances.get(parentId);
    expect(
      stuck.incidents
        .filter((incident) => incident.status === 'open')
        .map((incident) => incident.message)
        .join(),
    ).to.contain('has an incident');
    // the child's task completed with data: the child ends, the parent goes on, its incident resolved
    await baton.tasks.complete(check!.id, { kycResult: 'ok', score: 7 }, 'staff');
    await baton.calls.idle();
    const after = await baton.instances.get(parentId);
    expect(after.incidents.every((incident) => incident.status === 'resolved')).to.equal(true);
    expect((await openTask(parentId))?.elementId).to.equal('welcome');
  });

  it('binds to a version, and raises an incident when the called process is not deployed (deploy warns)', async () => {
    await baton.definitions.deploy(child('v1'));
    await baton.definitions.deploy(child('v2'));
    await baton.definitions.deploy(parent('camunda:calledElementBinding="version" camunda:calledElementVersion="1"'));
    const parentId = await startParent();
    const check = await openTask(await childOf(parentId));
    expect(check?.name).to.equal('Check v1 C-9');

    const missing = await baton.definitions.deploy(
      parent()
        .replace(/kycCheck/g, 'notYet')
        .replace('id="onboarding"', 'id="other"'),
    );
    expect(missing.definition.warnings.map((warning) => warning.elementId)).to.deep.equal(['call']);
    const { instance } = await baton.instances.start({ processKey: 'other', variables: {}, businessKey: null }, 'api');
    await baton.calls.idle();
    const view = await baton.instances.get(instance.id);
    expect(view.incidents.map((incident) => incident.message).join()).to.contain("no process 'notYet'");
  });

  it("starts the child on the retry of the parent's incident once the called process is deployed", async () => {
    await baton.definitions.deploy(parent());
    const parentId = await startParent();
    const [incident] = (await baton.instances.get(parentId)).incidents;
    expect(incident?.status).to.equal('open');
    // when the called process is deployed and the incident retried
    await baton.definitions.deploy(child('v1'));
    await baton.instances.retryIncident(parentId, incident!.id, 'admin', 'kycCheck is deployed now');
    await baton.calls.idle();
    // then the child runs, and the parent's incident is resolved
    const childId = await childOf(parentId);
    expect((await openTask(childId))?.name).to.equal('Check v1 C-9');
    expect((await baton.instances.get(parentId)).incidents.every((i) => i.status === 'resolved')).to.equal(true);
  });

  it('refuses a deployment binding to a process the diagram lacks', async () => {
    const refused = await baton.definitions.deploy(parent('camunda:calledElementBinding="deployment"')).catch((err: Error) => err);
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).message).to.contain('cannot be deployed');
  });
});
