import { expect } from 'chai';

import { formJsFields } from '../../server/tasks/form-js-fields.js';
import { taskFormFields } from '../../server/tasks/task-form-fields.js';
import { addUser, type TestBaton } from '../support/harness.js';
import type { Client } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';
import { CALLBACK_FORM, formJsProcess } from './form-js-process.js';

describe('Task forms from form-js schemas', () => {
  describe('formJsFields', () => {
    it('turns keyed input components into fields with their type, label and required flag', () => {
      // given the callback form (one component of every kind)
      // when its fields are derived
      const fields = formJsFields(CALLBACK_FORM);
      // then every keyed input is a field; display components and lists are not
      expect(fields).to.deep.equal([
        { id: 'summary', label: 'What was agreed', type: 'string', required: true, values: [] },
        { id: 'minutes', label: 'Call length (minutes)', type: 'long', required: false, values: [] },
        { id: 'refund', label: 'Refund (EUR)', type: 'number', required: false, values: [] },
        { id: 'resolved', label: 'Resolved', type: 'boolean', required: false, values: [] },
        { id: 'followUp', label: null, type: 'date', required: false, values: [] },
        { id: 'channel', label: 'Channel', type: 'enum', required: false, values: ['phone', 'email'] },
        // options from a variable are only known in the browser: any text
        { id: 'mood', label: 'Mood', type: 'string', required: false, values: [] },
        // a group without a path writes flat keys
        { id: 'note', label: 'Note', type: 'string', required: false, values: [] },
        // required only under a condition the server cannot evaluate: not insisted on
        { id: 'why', label: 'Why not resolved', type: 'string', required: false, values: [] },
      ]);
    });

    it('reads a yes/no radio or select with boolean option values as a boolean that can be required', () => {
      // given a required radio whose options are true/false (a gateway like ${resolved} needs a boolean)
      const yesNo = {
        values: [
          { label: 'Yes', value: true },
          { label: 'No', value: false },
        ],
        validate: { required: true },
      };
      const fields = formJsFields({
        components: [
          { type: 'radio', key: 'resolved', label: 'Solved?', ...yesNo },
          { type: 'select', key: 'fixed', ...yesNo },
          // mixed option values are not a yes/no choice: the text values are kept
          {
            type: 'radio',
            key: 'mixed',
            values: [
              { label: 'Yes', value: true },
              { label: 'Later', value: 'later' },
            ],
          },
        ],
      });
      // then both yes/no fields are required booleans, so a missing answer is refused and false is an answer
      expect(fields).to.deep.equal([
        { id: 'resolved', label: 'Solved?', type: 'boolean', required: true, values: [] },
        { id: 'fixed', label: null, type: 'boolean', required: true, values: [] },
        { id: 'mixed', label: null, type: 'enum', required: false, values: ['later'] },
      ]);
    });

    it('skips nested data (a group with a path, dotted keys) and survives a schema without components', () => {
      const fields = formJsFields({
        components: [
          { type: 'group', path: 'customer', components: [{ type: 'textfield', key: 'name', validate: { required: true } }] },
          { type: 'textfield', key: 'address.city', validate: { required: true } },
          { type: 'textfield', key: '' },
          null,
        ],
      });
      expect(fields).to.deep.equal([]);
      expect(formJsFields({})).to.deep.equal([]);
    });

    it('prefers camunda:formData, then the embedded form the formKey names, else no form', () => {
      const formData = [{ $type: 'camunda:FormData', fields: [{ id: 'amount', type: 'long' }] }];
      const processes = [[{ $type: 'baton:form', key: 'callback-form', $body: JSON.stringify(CALLBACK_FORM) }]];
      expect(taskFormFields(formData, 'callback-form', processes)?.map((field) => field.id)).to.deep.equal(['amount']);
      expect(taskFormFields([], 'callback-form', processes)?.[0]?.id).to.equal('summary');
      expect(taskFormFields([], 'elsewhere', processes)).to.equal(null);
      expect(taskFormFields([], null, processes)).to.equal(null);
      // a stored form that is not a form-js schema (deploy refuses it now) gives no form, not a crash
      expect(taskFormFields([], 'bad', [[{ $type: 'baton:form', key: 'bad', $body: 'not json' }]])).to.equal(null);
    });
  });

  describe('completing a task whose formKey names an embedded form-js form', () => {
    const server = useTestServer();
    let baton: TestBaton;
    let ada: Client;

    beforeEach(async () => {
      baton = server.baton;
      await addUser(baton, 'ada', 'staff', ['l1']);
      ada = await server.http.as('ada');
      await baton.definitions.deploy(formJsProcess());
    });

    it('opens the task with the form fields and refuses data that does not fill the form in; nothing completes', async () => {
      // given an open task of the process
      const { opened } = await baton.instances.start({ processKey: 'callback', variables: {}, businessKey: null }, 'test');
      const task = await baton.tasks.get(opened[0]!.id);
      expect(task.form?.map((field) => field.id)).to.include.members(['summary', 'minutes', 'refund', 'channel']);
      // when ada completes it without the required field, with a decimal where a whole number goes, with an unknown option
      const attempts = [
        { refund: 12.5 },
        { summary: 'Agreed', minutes: 2.5 },
        { summary: 'Agreed', channel: 'fax' },
        { summary: 'Agreed', refund: 'lots' },
        { summary: 'Agreed', followUp: 'someday' },
      ];
      for (const variables of attempts) {
        const res = await ada.request('POST', `/api/tasks/${task.id}/complete`, { variables });
        // then each is refused in plain words, naming the field
        expect(res.status, JSON.stringify(variables)).to.equal(400);
        expect((res.body as { error: { code: string; message: string } }).error.message).to.match(/summary|minutes|channel|refund|followUp/);
      }
      expect((await baton.tasks.get(task.id)).status).to.equal('open');
      // when the form is filled in properly
      const done = await ada.request('POST', `/api/tasks/${task.id}/complete`, {
        variables: { summary: 'Agreed a refund', minutes: 4, refund: 12.5, resolved: true, followUp: '2026-12-01', channel: 'phone', mood: 'calm' },
      });
      // then the task completes and the data becomes process variables
      expect(done.status, done.text).to.equal(200);
      const instance = await baton.instances.get(task.instanceId);
      expect(instance.status).to.equal('completed');
      expect(instance.variables).to.include({ summary: 'Agreed a refund', refund: 12.5 });
    });
  });
});
