import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

import { batonModdle } from '../../modeler/src/modeler/baton-moddle.js';
import { REGISTERED_PREFIXES, renameClashingPrefixes } from '../../modeler/src/modeler/namespaces.js';
import { miwgFiles, miwgPath } from '../support/miwg.js';

/** The modeler's moddle: BPMN + Camunda 7 + Baton's own extension. */
const moddle = () => new BpmnModdle({ camunda: camundaDescriptor, baton: batonModdle });

interface Summary {
  elements: string[];
  flows: string[];
  shapes: string[];
}

function walk(element: unknown, seen: Set<unknown>, visit: (element: ModdleElement) => void): void {
  if (typeof element !== 'object' || element === null || seen.has(element)) return;
  seen.add(element);
  const node = element as ModdleElement & Record<string, unknown>;
  if (typeof node.$type === 'string') visit(node);
  for (const [key, value] of Object.entries(node)) {
    // Only containment: references (sourceRef, bpmnElement…) would loop and are compared by id.
    if (key.startsWith('$') || /Ref$|^bpmnElement$|^attachedToRef$|^default$|^incoming$|^outgoing$/.test(key)) continue;
    if (Array.isArray(value)) value.forEach((item) => walk(item, seen, visit));
    else walk(value, seen, visit);
  }
}

function id(element: unknown): string {
  return String((element as { id?: unknown } | undefined)?.id ?? '-');
}

function summary(root: ModdleElement): Summary {
  const elements: string[] = [];
  const flows: string[] = [];
  const shapes: string[] = [];
  walk(root, new Set(), (element) => {
    const e = element as ModdleElement & Record<string, unknown>;
    if (typeof e['id'] === 'string' && !e.$type.startsWith('bpmndi:')) elements.push(`${e.$type}#${e['id']}`);
    if (e.$type === 'bpmn:SequenceFlow' || e.$type === 'bpmn:MessageFlow') flows.push(`${e['id']}: ${id(e['sourceRef'])} → ${id(e['targetRef'])}`);
    if (e.$type === 'bpmndi:BPMNShape' || e.$type === 'bpmndi:BPMNEdge') shapes.push(`${e.$type}:${id(e['bpmnElement'])}`);
  });
  return { elements: elements.sort(), flows: flows.sort(), shapes: shapes.sort() };
}

describe('modeler namespaces', () => {
  it('registers the prefixes under the namespaces the moddle packages declare', () => {
    expect(REGISTERED_PREFIXES['camunda']).to.equal((camundaDescriptor as { uri: string }).uri);
    expect(REGISTERED_PREFIXES['baton']).to.equal(batonModdle.uri);
  });

  it('renames a registered prefix bound to another namespace, and leaves the rest alone', () => {
    const xml = '<definitions xmlns:camunda="http://activiti.org/bpmn" xmlns:camunda_1="x"><task camunda:assignee="a"><camunda:field/></task></definitions>';
    expect(renameClashingPrefixes(xml)).to.equal('<definitions xmlns:camunda_2="http://activiti.org/bpmn" xmlns:camunda_1="x"><task camunda_2:assignee="a"><camunda_2:field/></task></definitions>');
    const ok = '<definitions xmlns:camunda="http://camunda.org/schema/1.0/bpmn"><task camunda:assignee="a"/></definitions>';
    expect(renameClashingPrefixes(ok)).to.equal(ok);
  });
});

describe("MIWG reference diagrams round-trip through the modeler's moddle (BPMN + Camunda)", () => {
  for (const file of miwgFiles()) {
    it(`${file} exports with the same elements, flows and layout`, async () => {
      // given a reference diagram read as the modeler reads it
      const before = await moddle().fromXML(renameClashingPrefixes(readFileSync(miwgPath(file), 'utf8')));
      // when it is exported and read again
      const { xml } = await moddle().toXML(before.rootElement, { format: true });
      const after = await moddle().fromXML(xml);
      // then nothing was lost or changed
      const expected = summary(before.rootElement);
      expect(expected.elements.length, 'elements read').to.be.greaterThan(0);
      expect(summary(after.rootElement)).to.deep.equal(expected);
      expect(
        after.warnings.map((w) => w.message).filter((m) => !before.warnings.some((w) => w.message === m)),
        'new warnings',
      ).to.deep.equal([]);
    });
  }
});
