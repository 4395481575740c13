import { expect } from 'chai';

import { bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

interface Started {
  id: string;
  openTasks: { id: string }[];
}

/** Diagrams that once answered 500: each deploys (or is refused naming the element) and runs. */
describe('Diagrams that broke the server', () => {
  const server = useTestServer();

  async function deploy(xml: string) {
    return server.http.request('POST', '/api/definitions', { xml });
  }

  async function runToEnd(processKey: string): Promise<string> {
    const started = await server.http.request('POST', '/api/instances', { processKey, variables: {} });
    expect(started.status, started.text).to.equal(201);
    const { id, openTasks } = started.body as Started;
    for (const task of openTasks) {
      const done = await server.http.request('POST', `/api/tasks/${task.id}/complete`, { variables: {} });
      expect(done.status, done.text).to.equal(200);
    }
    const instance = await server.http.request('GET', `/api/instances/${id}`);
    expect((instance.body as { status: string }).status).to.equal('completed');
    return id;
  }

  it('names sequence flows without an id, warns, and runs the instance to its end', async () => {
    // given flows without ids (optional in the schema)
    const xml = bpmn(
      'noFlowIds',
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow sourceRef="s" targetRef="t" />
       <bpmn:userTask id="t" camunda:candidateGroups="l1" /><bpmn:sequenceFlow sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
    );
    // when it is deployed
    const deployed = await deploy(xml);
    // then it deploys with a warning naming the assigned id
    expect(deployed.status).to.equal(201);
    expect((deployed.body as { warnings: { elementId: string }[] }).warnings.map((w) => w.elementId)).to.deep.equal(['SequenceFlow_s_t', 'SequenceFlow_t_e']);
    // and an instance runs to its end, its flows in the audit log under the stable names
    const id = await runToEnd('noFlowIds');
    const audit = (await server.http.request('GET', `/api/instances/${id}/audit`)).body as { type: string; elementId: string }[];
    expect(audit.filter((event) => event.type === 'flow.taken').map((event) => event.elementId)).to.deep.equal(['SequenceFlow_s_t', 'SequenceFlow_t_e']);
  });

  it('names <definitions> without an id, so later steps and cancel work', async () => {
    const xml = bpmn(
      'noDefinitionsId',
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
       <bpmn:userTask id="t" camunda:candidateGroups="l1" /><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
    ).replace('id="Definitions_noDefinitionsId"', '');
    expect((await deploy(xml)).status).to.equal(201);
    await runToEnd('noDefinitionsId');
    // a second instance, cancelled while it waits (the step that answered 500)
    const started = (await server.http.request('POST', '/api/instances', { processKey: 'noDefinitionsId', variables: {} })).body as Started;
    const cancelled = await server.http.request('POST', `/api/instances/${started.id}/cancel`, { reason: 'test' });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect((cancelled.body as { status: string }).status).to.equal('cancelled');
  });

  it('records each completed iteration of a parallel multi-instance user task as completed', async () => {
    // given a user task run three times in parallel
    const xml = bpmn(
      'parallelReview',
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
       <bpmn:userTask id="t" camunda:candidateGroups="l1"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
       <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
    );
    expect((await deploy(xml)).status).to.equal(201);
    // when every iteration is completed
    const id = await runToEnd('parallelReview');
    // then all three are completed, none cancelled
    const tasks = (await server.http.request('GET', `/api/tasks?instanceId=${id}`)).body as { status: string }[];
    expect(tasks.map((task) => task.status)).to.deep.equal(['completed', 'completed', 'completed']);
  });

  it('refuses a receive task without a message, naming it (reverse: with a message it deploys)', async () => {
    const body = (task: string) =>
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait" />${task}<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e" /><bpmn:endEvent id="e" />`;
    const refused = await deploy(bpmn('receiveNothing', body('<bpmn:receiveTask id="wait" />')));
    expect(refused.status).to.equal(422);
    expect((refused.body as { error: { issues: { elementId: string; message: string }[] } }).error.issues[0]).to.include({ elementId: 'wait' });
    const accepted = await deploy(bpmn('receivePayment', body('<bpmn:receiveTask id="wait" messageRef="m" />'), '<bpmn:message id="m" name="paid" />'));
    expect(accepted.status).to.equal(201);
  });

  it('names the expression a service task runs, not a made-up handler', async () => {
    const refused = await deploy(
      bpmn(
        'wrongCause',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
         <bpmn:serviceTask id="a" camunda:expression="\${webService.call(x)}" /><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b" />
         <bpmn:serviceTask id="b" camunda:expression="\${webService}" /><bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="c" />
         <bpmn:serviceTask id="c"><bpmn:extensionElements><zeebe:taskDefinition type="payment-service" /></bpmn:extensionElements></bpmn:serviceTask>
         <bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="e" /><bpmn:endEvent id="e" />`,
      ).replace('xmlns:camunda=', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:camunda='),
    );
    expect(refused.status).to.equal(422);
    const issues = (refused.body as { error: { issues: { elementId: string; message: string }[] } }).error.issues;
    const byElement = Object.fromEntries(issues.map((issue) => [issue.elementId, issue.message]));
    expect(byElement['a']).to.contain('runs the expression ${webService.call(x)}');
    expect(byElement['b']).to.contain("runs the expression ${webService}, which Baton reads as the handler 'webService'");
    // a Zeebe job type is a topic for external workers: a warning, not a refusal
    expect(byElement['c']).to.equal(undefined);
  });
});
