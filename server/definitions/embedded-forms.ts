/**
 * Task forms travel inside the diagram: `<baton:form key="…">{form-js schema JSON}</baton:form>`
 * in the process's `bpmn:extensionElements` (namespace BATON_NS), referenced by a user task's
 * `camunda:formKey`. So a form is stored and versioned with the process version that uses it,
 * and Camunda Modeler keeps it on a round trip (an unknown extension element is preserved).
 */
import { isModdleElement, type ModdleElement } from './moddle-element.js';

export const BATON_NS = 'https://baton.example/schema/bpmn/1.0';

export interface EmbeddedForm {
  key: string;
  /** The owning process's id. */
  processId: string;
  /** The raw text of the element (form-js schema JSON when valid). */
  body: string;
}

function values(element: ModdleElement): unknown[] {
  const extensions = element.get('extensionElements') as unknown;
  if (!isModdleElement(extensions)) return [];
  const list = extensions.get('values') as unknown;
  return Array.isArray(list) ? list : [];
}

/**
 * A baton:form as read: the server's bpmn-moddle knows no Baton types and gives a generic element
 * (`$type` 'baton:form', attributes, `$body`); the modeler registers Baton's moddle
 * (`modeler/src/modeler/baton-moddle.ts`: `baton:Form` with a `body` property). The rules run on
 * both, so both are read.
 */
interface FormElement {
  $type: string;
  key?: unknown;
  id?: unknown;
  $body?: unknown;
  body?: unknown;
}

/** Camunda 8 embeds forms as `<zeebe:userTaskForm id="F">` and a task names it `camunda-forms:bpmn:F`. */
export const ZEEBE_FORM_PREFIX = 'camunda-forms:bpmn:';

function isForm(value: unknown): value is FormElement {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as FormElement).$type;
  return type === 'baton:form' || type === 'baton:Form' || type === 'zeebe:UserTaskForm';
}

/** The key tasks name the form by. */
function keyOf(form: FormElement): string {
  if (form.$type === 'zeebe:UserTaskForm') return typeof form.id === 'string' ? `${ZEEBE_FORM_PREFIX}${form.id.trim()}` : '';
  return typeof form.key === 'string' ? form.key.trim() : '';
}

function bodyOf(form: FormElement): string | null {
  if (typeof form.$body === 'string') return form.$body;
  return typeof form.body === 'string' ? form.body : null;
}

/** Every baton:form of every process of the diagram. */
export function embeddedForms(definitions: ModdleElement): EmbeddedForm[] {
  const roots = definitions.get('rootElements') as unknown;
  const forms: EmbeddedForm[] = [];
  for (const root of Array.isArray(roots) ? roots : []) {
    if (!isModdleElement(root) || root.$type !== 'bpmn:Process') continue;
    for (const value of values(root)) {
      if (!isForm(value)) continue;
      forms.push({
        key: keyOf(value),
        processId: String(root.get('id') ?? ''),
        body: bodyOf(value) ?? '',
      });
    }
  }
  return forms;
}

/** The form's schema, or the reason it is not a form-js schema. */
export function parseFormSchema(body: string): { schema: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return { error: `is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'is not a JSON object' };
  if (!Array.isArray((parsed as { components?: unknown }).components)) return { error: 'has no components list (a form-js schema has one)' };
  return { schema: parsed as Record<string, unknown> };
}

/** The valid form-js schemas of the diagram by form key (a deployed diagram's keys are unique: rules/forms.ts). */
export function formSchemas(definitions: ModdleElement): Map<string, Record<string, unknown>> {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const form of embeddedForms(definitions)) {
    const parsed = parseFormSchema(form.body);
    if ('schema' in parsed) schemas.set(form.key, parsed.schema);
  }
  return schemas;
}

/**
 * The body of the baton:form named `key` among one process's extension values, as bpmn-moddle or
 * the engine's parsed source holds them; null when that process has no such form.
 */
export function formBodyAmong(extensionValues: readonly unknown[], key: string): string | null {
  const form = extensionValues.find((value) => isForm(value) && keyOf(value) === key);
  return form && isForm(form) ? bodyOf(form) : null;
}
