import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './modeler.css';

import Modeler from 'bpmn-js/lib/Modeler';

import { api } from '../shared/api.js';

const modeler = new Modeler({ container: '#canvas' });
const status = document.querySelector<HTMLElement>('#status')!;

async function open(key: string, version: number): Promise<void> {
  const xml = await api.xml(key, version);
  await modeler.importXML(xml);
  (modeler.get('canvas') as { zoom(level: string): void }).zoom('fit-viewport');
  status.textContent = `${key} v${version}`;
  document.body.dataset['diagram'] = `${key}:${version}`;
}

async function start(): Promise<void> {
  const definitions = await api.definitions();
  const first = definitions[0];
  if (first) await open(first.key, first.version);
}

start().catch((err: unknown) => {
  status.textContent = err instanceof Error ? err.message : String(err);
});
