import { bpmn } from '../support/harness.js';

/** A form-js form as the modeler's form editor writes it: one field of every kind Baton checks. */
export const CALLBACK_FORM = {
  type: 'default',
  id: 'callback',
  components: [
    { type: 'text', text: '# Call the customer back' },
    { type: 'textfield', key: 'summary', label: 'What was agreed', validate: { required: true } },
    { type: 'number', key: 'minutes', label: 'Call length (minutes)', decimalDigits: 0 },
    { type: 'number', key: 'refund', label: 'Refund (EUR)', decimalDigits: 2 },
    { type: 'checkbox', key: 'resolved', label: 'Resolved' },
    { type: 'datetime', key: 'followUp', subtype: 'date', dateLabel: 'Follow up on' },
    {
      type: 'select',
      key: 'channel',
      label: 'Channel',
      values: [
        { label: 'Phone', value: 'phone' },
        { label: 'E-mail', value: 'email' },
      ],
    },
    { type: 'radio', key: 'mood', label: 'Mood', valuesKey: 'moods' },
    { type: 'group', label: 'Notes', components: [{ type: 'textarea', key: 'note', label: 'Note' }] },
    { type: 'textfield', key: 'why', label: 'Why not resolved', validate: { required: true }, conditional: { hide: '=resolved' } },
    { type: 'checklist', key: 'tags', label: 'Tags', values: [{ label: 'VIP', value: 'vip' }] },
  ],
};

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** start → "Call back" (L1, camunda:formKey naming CALLBACK_FORM embedded in the process) → end. */
export function formJsProcess(processId = 'callback'): string {
  return bpmn(
    processId,
    `<bpmn:extensionElements><baton:form key="callback-form">${escapeXml(JSON.stringify(CALLBACK_FORM))}</baton:form></bpmn:extensionElements>
     <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
     <bpmn:userTask id="call" name="Call back" camunda:candidateGroups="l1" camunda:formKey="callback-form" camunda:priority="40" />
     <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" /><bpmn:endEvent id="end" />`,
  ).replace('xmlns:camunda=', 'xmlns:baton="https://baton.example/schema/bpmn/1.0" xmlns:camunda=');
}
