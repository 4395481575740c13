/**
 * Some diagrams bind a prefix the modeler registers to another namespace (the MIWG C.1.x files
 * use `xmlns:camunda="http://activiti.org/bpmn"`). moddle then cannot write them back (`no
 * namespace uri given for prefix <ns0>`). Before import, such a prefix is renamed in the document
 * (`camunda` → `camunda_1`), which keeps every element and attribute with its real namespace.
 */
import { BATON_NS } from '../../../server/definitions/embedded-forms.js';

export const REGISTERED_PREFIXES: Readonly<Record<string, string>> = {
  bpmn: 'http://www.omg.org/spec/BPMN/20100524/MODEL',
  bpmndi: 'http://www.omg.org/spec/BPMN/20100524/DI',
  dc: 'http://www.omg.org/spec/DD/20100524/DC',
  di: 'http://www.omg.org/spec/DD/20100524/DI',
  camunda: 'http://camunda.org/schema/1.0/bpmn',
  baton: BATON_NS,
};

export function renameClashingPrefixes(xml: string, registered: Readonly<Record<string, string>> = REGISTERED_PREFIXES): string {
  const declared = new Map<string, string>();
  for (const [, prefix = '', uri = ''] of xml.matchAll(/xmlns:([\w.-]+)\s*=\s*"([^"]*)"/g)) declared.set(prefix, uri);
  let result = xml;
  for (const [prefix, uri] of declared) {
    const ours = registered[prefix];
    if (ours === undefined || ours === uri) continue;
    let renamed = `${prefix}_1`;
    for (let n = 2; declared.has(renamed) || renamed in registered; n++) renamed = `${prefix}_${n}`;
    const escaped = prefix.replace(/[.-]/g, '\\$&');
    result = result.replace(new RegExp(`xmlns:${escaped}(\\s*=)`, 'g'), `xmlns:${renamed}$1`).replace(new RegExp(`(<\\/?|\\s)${escaped}:`, 'g'), `$1${renamed}:`);
  }
  return result;
}
