import type { DefinitionRecord } from '../definitions/definition.js';
import { parseBpmn } from '../definitions/definition.validator.js';
import { formSchemas } from '../definitions/embedded-forms.js';
import { VersionCache } from '../definitions/version-cache.js';
import { children, descendants, extensions, idOf, isModdleElement, trimmed, type ModdleElement } from '../definitions/moddle-element.js';
import { formDataFields } from '../tasks/task-form.js';
import type { TaskFormField } from '../tasks/task.js';
import { fieldsOfSchema, type UploadField } from './form-fields.js';

/** A form as the customer pages use it: the form-js schema to draw, the fields to validate. */
export interface CustomerForm {
  schema: Record<string, unknown> | null;
  fields: TaskFormField[];
  uploads: UploadField[];
}

/** What a process version tells the customer pages, read once per version from its diagram. */
export interface ProcessProfile {
  /** `intake=public` on the process: anyone may submit its start form. */
  intake: boolean;
  title: string;
  /** The start event's form; null when it has none. */
  startForm: CustomerForm | null;
  /** Variables the customer may see: `publicVariables`, else the start form's fields. */
  publicVariables: string[];
  /** Element id → what the customer reads for it (its `customerStage`, else its lane's, else its name). */
  stages: Map<string, string>;
  /** End event ids → their words for the outcome. */
  endEvents: Map<string, string>;
  /** Forms embedded in the diagram, by key. */
  forms: Map<string, Record<string, unknown>>;
}

function properties(element: ModdleElement): Record<string, string> {
  const result: Record<string, string> = {};
  for (const container of extensions(element, 'camunda:Properties')) {
    for (const property of children(container, 'values')) {
      const name = trimmed(property, 'name');
      if (name) result[name] = trimmed(property, 'value') ?? '';
    }
  }
  return result;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A form by key (embedded form-js schema) or the element's camunda:formData. */
export function formOf(element: ModdleElement | { formKey: string | null; form: TaskFormField[] | null }, forms: Map<string, Record<string, unknown>>): CustomerForm | null {
  const formKey = isModdleElement(element) ? (trimmed(element, 'formKey') ?? null) : element.formKey;
  const schema = formKey ? (forms.get(formKey) ?? null) : null;
  if (schema) return { schema, ...fieldsOfSchema(schema) };
  const fields = isModdleElement(element) ? formDataFields(extensions(element, 'camunda:FormData')) : element.form;
  return fields ? { schema: null, fields, uploads: [] } : null;
}

export async function readProcessProfile(definition: Pick<DefinitionRecord, 'xml' | 'key' | 'name'>): Promise<ProcessProfile> {
  const { definitions } = await parseBpmn(definition.xml);
  const process = children(definitions, 'rootElements').find((root) => root.$instanceOf('bpmn:Process') && idOf(root) === definition.key);
  const forms = formSchemas(definitions);
  const profile: ProcessProfile = {
    intake: false,
    title: definition.name || definition.key,
    startForm: null,
    publicVariables: [],
    stages: new Map(),
    endEvents: new Map(),
    forms,
  };
  if (!process) return profile;
  const own = properties(process);
  profile.intake = own['intake'] === 'public';
  profile.title = own['intakeTitle'] || profile.title;

  const laneStage = new Map<string, string>();
  for (const lane of descendants(process).filter((element) => element.$instanceOf('bpmn:Lane'))) {
    const stage = properties(lane)['customerStage'];
    if (!stage) continue;
    for (const node of (lane.get('flowNodeRef') as unknown[] | undefined) ?? []) {
      const id = isModdleElement(node) ? idOf(node) : undefined;
      if (id) laneStage.set(id, stage);
    }
  }
  for (const element of descendants(process)) {
    const id = idOf(element);
    if (!id || !element.$instanceOf('bpmn:FlowNode')) continue;
    const name = trimmed(element, 'name') ?? id;
    const stage = properties(element)['customerStage'] || laneStage.get(id) || name;
    profile.stages.set(id, stage);
    if (element.$instanceOf('bpmn:EndEvent')) profile.endEvents.set(id, stage);
    if (element.$instanceOf('bpmn:StartEvent') && !profile.startForm && children(element, 'eventDefinitions').length === 0) {
      profile.startForm = formOf(element, forms);
    }
  }
  const explicit = list(own['publicVariables']);
  profile.publicVariables = explicit.length ? explicit : (profile.startForm?.fields ?? []).map((field) => field.id);
  return profile;
}

/** Profiles per definition version (a version never changes, so they never go stale). */
export class ProcessProfiles {
  private readonly cache = new VersionCache<ProcessProfile>();

  get(definition: DefinitionRecord): Promise<ProcessProfile> {
    return this.cache.get(definition.id, () => readProcessProfile(definition));
  }
}
