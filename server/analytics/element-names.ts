import { parseBpmn } from '../definitions/bpmn-parse.js';
import { children, isModdleElement, text, type ModdleElement } from '../definitions/moddle-element.js';

/** Display names of every flow element of a diagram (sub-processes included), by id. */
export async function elementNames(xml: string): Promise<Record<string, string>> {
  const { definitions } = await parseBpmn(xml);
  const names: Record<string, string> = {};
  const visit = (element: ModdleElement) => {
    for (const node of children(element, 'flowElements')) {
      const id = text(node, 'id');
      const name = text(node, 'name');
      if (id && name) names[id] = name.replace(/\s+/g, ' ').trim();
      if (isModdleElement(node) && node.$type === 'bpmn:SubProcess') visit(node);
    }
  };
  for (const root of children(definitions, 'rootElements')) if (root.$type === 'bpmn:Process') visit(root);
  return names;
}
