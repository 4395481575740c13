import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';

import { MAX_IMPORT_BYTES, importProblem } from '../../modeler/src/modeler/import-check.js';
import { DEFAULT_MAX_BYTES } from '../../server/definitions/xml-limits.js';
import { translator } from '../../server/i18n/i18n.js';
import { bpmn } from '../support/harness.js';

const t = translator('en');

const moddle = new BpmnModdle();
const WITH_LAYOUT = bpmn(
  'p',
  '<bpmn:startEvent id="s" />',
  `<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
    <bpmndi:BPMNPlane id="pl" bpmnElement="p"><bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="0" y="0" width="36" height="36" /></bpmndi:BPMNShape></bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>`,
);

describe('modeler import check', () => {
  it('uses the server deploy size limit', () => {
    expect(MAX_IMPORT_BYTES).to.equal(DEFAULT_MAX_BYTES);
  });

  it('accepts a BPMN diagram with a layout', async () => {
    expect(await importProblem(WITH_LAYOUT, WITH_LAYOUT.length, moddle, t)).to.equal(null);
  });

  it('names what is wrong: too large, not BPMN, unreadable, no layout', async () => {
    expect(await importProblem(WITH_LAYOUT, MAX_IMPORT_BYTES + 1, moddle, t)).to.match(/too large/);
    expect(await importProblem('{"json": true}', 14, moddle, t)).to.match(/not a BPMN 2.0 diagram/);
    expect(await importProblem('<svg xmlns="http://www.w3.org/2000/svg"/>', 40, moddle, t)).to.match(/not a BPMN 2.0 diagram/);
    const broken = WITH_LAYOUT.replace('</bpmn:definitions>', '');
    expect(await importProblem(broken, broken.length, moddle, t)).to.match(/not a readable BPMN diagram/);
    const bare = bpmn('p', '<bpmn:startEvent id="s" />');
    expect(await importProblem(bare, bare.length, moddle, t)).to.match(/no layout/);
  });
});
