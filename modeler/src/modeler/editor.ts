/** The bpmn-js Modeler with Baton's modules: Camunda 7 properties, Baton group and commands, lint. */
import lintModule from 'bpmn-js-bpmnlint';
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import camundaBehaviors from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import { batonCommandsModule } from './baton-commands.js';
import { batonModdle } from './baton-moddle.js';
import { lintConfig } from './lint/baton-lint.js';
import { batonPropertiesModule, type BatonCatalog } from './properties/baton-provider.js';

export type Editor = Modeler;

export function createEditor(container: HTMLElement, propertiesParent: HTMLElement, catalog: BatonCatalog): Modeler {
  return new Modeler({
    container,
    propertiesPanel: { parent: propertiesParent },
    linting: {
      active: true,
      bpmnlint: lintConfig({ handlers: catalog.handlers, departments: catalog.departments.map((d) => d.id), ...(catalog.calendars?.length && { calendars: catalog.calendars.map((c) => c.id) }) }),
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      camundaBehaviors,
      lintModule,
      batonCommandsModule,
      batonPropertiesModule,
      { batonCatalog: ['value', catalog] },
    ],
    moddleExtensions: { camunda: camundaModdle, baton: batonModdle },
  } as ConstructorParameters<typeof Modeler>[0]);
}

/** After the lists arrive: lint with the real handlers and departments. */
export function updateLint(editor: Modeler, catalog: BatonCatalog): void {
  (editor.get('linting') as { setLinterConfig(config: unknown): void }).setLinterConfig(
    lintConfig({ handlers: catalog.handlers, departments: catalog.departments.map((d) => d.id), ...(catalog.calendars?.length && { calendars: catalog.calendars.map((c) => c.id) }) }),
  );
}
