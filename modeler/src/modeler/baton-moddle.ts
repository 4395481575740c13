/**
 * Moddle descriptor of Baton's own extension: `<baton:form key="…">form-js JSON</baton:form>` in a
 * process's extensionElements (see server/definitions/embedded-forms.ts), and `baton:calendar` on a
 * timer event definition (issue 16: its duration counts working time of that calendar).
 */
import { BATON_NS } from '../../../server/definitions/embedded-forms.js';

export const batonModdle = {
  name: 'Baton',
  uri: BATON_NS,
  prefix: 'baton',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    {
      name: 'TimerCalendar',
      extends: ['bpmn:TimerEventDefinition'],
      properties: [{ name: 'calendar', isAttr: true, type: 'String' }],
    },
    {
      name: 'Form',
      superClass: ['Element'],
      properties: [
        { name: 'key', isAttr: true, type: 'String' },
        { name: 'body', isBody: true, type: 'String' },
      ],
    },
  ],
};
