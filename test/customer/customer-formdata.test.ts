import { expect } from 'chai';

import type { IntakeAnswer, IntakeForm, StatusView } from '../../server/customer/status-view.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import type { Http } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';
import { statusOf } from './customer-support.js';

/**
 * Public intake with Camunda generated forms (camunda:formData) on the start event and on a task
 * that waits on the customer; stages from a lane's customerStage.
 */
const PROCESS = bpmn(
  'callback',
  `<bpmn:extensionElements><camunda:properties><camunda:property name="intake" value="public" /></camunda:properties></bpmn:extensionElements>
   <bpmn:laneSet id="ls">
     <bpmn:lane id="lane_l1" name="l1">
       <bpmn:extensionElements><camunda:properties><camunda:property name="customerStage" value="Our first line is on it" /></camunda:properties></bpmn:extensionElements>
       <bpmn:flowNodeRef>triage</bpmn:flowNodeRef>
     </bpmn:lane>
   </bpmn:laneSet>
   <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>
     <camunda:formField id="topic" label="Topic" type="string"><camunda:validation><camunda:constraint name="required" /></camunda:validation></camunda:formField>
   </camunda:formData></bpmn:extensionElements></bpmn:startEvent>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
   <bpmn:userTask id="triage" name="Triage" camunda:candidateGroups="l1" />
   <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="ask" />
   <bpmn:userTask id="ask" name="Ask for a call-back time" camunda:candidateGroups="customer"><bpmn:extensionElements><camunda:formData>
     <camunda:formField id="phone" label="Phone" type="string"><camunda:validation><camunda:constraint name="required" /></camunda:validation></camunda:formField>
     <camunda:formField id="hour" label="Hour of the day" type="long" />
     <camunda:formField id="urgent" label="Urgent" type="boolean" />
   </camunda:formData></bpmn:extensionElements></bpmn:userTask>
   <bpmn:sequenceFlow id="f3" sourceRef="ask" targetRef="call" />
   <bpmn:userTask id="call" name="Call back" camunda:candidateGroups="l1" />
   <bpmn:sequenceFlow id="f4" sourceRef="call" targetRef="end" /><bpmn:endEvent id="end" name="Called back" />`,
);

/** A customer task whose embedded form-js form has a decimal `number` field. */
const QUOTE_FORM = { type: 'default', components: [{ type: 'number', key: 'budget', label: 'Budget (EUR)', decimalDigits: 2, validate: { required: true } }] };
const QUOTE = bpmn(
  'quote',
  `<bpmn:extensionElements><camunda:properties><camunda:property name="intake" value="public" /></camunda:properties>
     <baton:form key="quote-form">${JSON.stringify(QUOTE_FORM).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</baton:form></bpmn:extensionElements>
   <bpmn:startEvent id="start"><bpmn:extensionElements><camunda:formData>
     <camunda:formField id="topic" label="Topic" type="string" />
   </camunda:formData></bpmn:extensionElements></bpmn:startEvent>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask" />
   <bpmn:userTask id="ask" name="Your budget" camunda:candidateGroups="customer" camunda:formKey="quote-form" />
   <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="end" /><bpmn:endEvent id="end" name="Quoted" />`,
).replace('xmlns:camunda=', 'xmlns:baton="https://baton.example/schema/bpmn/1.0" xmlns:camunda=');

describe('Customer pages with camunda:formData forms', () => {
  const server = useTestServer({ deploy: [PROCESS] });
  let baton: TestBaton;
  let http: Http;

  beforeEach(() => {
    ({ baton, http } = server);
  });

  it('takes the start form and a waiting task as plain form posts, each value as its field type', async () => {
    const form = (await http.anonymous.request('GET', '/api/public/processes/callback/intake')).body as IntakeForm;
    expect(form).to.deep.include({ title: 'callback', schema: null });
    expect(form.fields.map((field) => field.id)).to.deep.equal(['topic']);
    baton.clock.advance(5000);
    const receipt = (await http.anonymous.request('POST', '/api/public/processes/callback/requests', { data: { topic: 'Invoice' }, formStamp: form.formStamp })).body as IntakeAnswer;
    let view: StatusView = await statusOf(http, receipt.token);
    // the lane's customer words
    expect(view.stage).to.equal('Our first line is on it');
    const [instance] = await baton.store.instances.list({ ticketNumber: receipt.ticketNumber });
    const [triage] = await baton.store.tasks.list({ instanceId: instance!.id, status: 'open' });
    await baton.tasks.complete(triage!.id, {}, 'staff');
    view = await statusOf(http, receipt.token);
    const waiting = view.waitingOnYou[0]!;
    expect(waiting.fields.map((field) => field.id)).to.deep.equal(['phone', 'hour', 'urgent']);
    // the page has a plain form for it
    const page = (await http.anonymous.request('GET', `/status/${receipt.token}`)).text;
    expect(page).to.contain(`action="/status/${receipt.token}/tasks/${waiting.taskId}"`).and.contain('type="number"');
    // a missing required field: the page again, saying which
    const empty = new FormData();
    empty.append('hour', '9');
    const refused = await fetch(`${http.baseUrl}/status/${receipt.token}/tasks/${waiting.taskId}`, { method: 'POST', body: empty, redirect: 'manual' });
    expect(refused.status).to.equal(400);
    expect(await refused.text()).to.contain('phone: is required');
    // answered: back to the page, the values typed
    const body = new FormData();
    body.append('phone', '+49 30 1234');
    body.append('hour', '9');
    body.append('urgent', 'true');
    body.append('sneaky', 'dropped');
    const sent = await fetch(`${http.baseUrl}/status/${receipt.token}/tasks/${waiting.taskId}`, { method: 'POST', body, redirect: 'manual' });
    expect(sent.status).to.equal(303);
    expect((await baton.store.tasks.get(waiting.taskId))!.output).to.deep.equal({ phone: '+49 30 1234', hour: 9, urgent: true });
    view = await statusOf(http, receipt.token);
    expect(view.stage).to.equal('Call back');
    expect(view.waitingOnYou).to.deep.equal([]);
    // public variables default to the intake form's fields
    expect(view.details).to.deep.equal({ topic: 'Invoice' });
  });

  it('a decimal number field sent as form text is taken as a number; text that is no number is a 400', async () => {
    await baton.definitions.deploy(QUOTE);
    const form = (await http.anonymous.request('GET', '/api/public/processes/quote/intake')).body as IntakeForm;
    baton.clock.advance(5000);
    const receipt = (await http.anonymous.request('POST', '/api/public/processes/quote/requests', { data: { topic: 'Roof' }, formStamp: form.formStamp })).body as IntakeAnswer;
    const waiting = (await statusOf(http, receipt.token)).waitingOnYou[0]!;
    expect(waiting.fields).to.deep.include({ id: 'budget', label: 'Budget (EUR)', type: 'number', required: true, values: [] });
    const post = (budget: string) => {
      const body = new FormData();
      body.append('budget', budget);
      return fetch(`${http.baseUrl}/status/${receipt.token}/tasks/${waiting.taskId}`, { method: 'POST', body, redirect: 'manual' });
    };
    const refused = await post('lots');
    expect(refused.status).to.equal(400);
    expect(await refused.text()).to.contain('budget: must be a number');
    expect((await post(' 1250.50 ')).status).to.equal(303);
    expect((await baton.store.tasks.get(waiting.taskId))!.output).to.deep.equal({ budget: 1250.5 });
  });
});
