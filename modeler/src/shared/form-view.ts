/**
 * Renders a task form (form-js) and reads what was filled in. Every form goes through form-js:
 * a form designed in the modeler (a form-js schema stored with the process version) as it is, and
 * a Camunda `camunda:formData` form converted by `schemaOfFields`, so the inbox and the customer
 * pages have one renderer. The server validates the same fields again on completion.
 */
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';

import type { TaskFormField } from '../../../server/tasks/task.js';

export type FormSchema = Record<string, unknown>;
export type FormData = Record<string, unknown>;

export interface FormView {
  /** The values, and the errors form-js found (field key → messages); empty errors means valid. */
  submit(): { data: FormData; errors: Record<string, unknown> };
  destroy(): void;
}

function componentOf(field: TaskFormField): Record<string, unknown> {
  const base = {
    key: field.id,
    label: field.label ?? field.id,
    validate: field.required ? { required: true } : {},
    ...(field.defaultValue === undefined ? {} : { defaultValue: field.defaultValue }),
  };
  switch (field.type) {
    case 'long':
      return { ...base, type: 'number', decimalDigits: 0 };
    case 'number':
      return { ...base, type: 'number' };
    case 'boolean':
      return { ...base, type: 'checkbox' };
    case 'date':
      return { ...base, type: 'datetime', subtype: 'date', dateLabel: field.label ?? field.id };
    case 'enum':
      return { ...base, type: 'select', values: field.values.map((value) => ({ label: value, value })) };
    case 'string':
      return { ...base, type: 'textfield' };
  }
}

/** A camunda:formData form as a form-js schema. */
export function schemaOfFields(id: string, fields: readonly TaskFormField[]): FormSchema {
  return { type: 'default', id, components: fields.map(componentOf) };
}

/** Draws `schema` into `container`, prefilled with `data`. */
export async function renderForm(container: HTMLElement, schema: FormSchema, data: FormData = {}): Promise<FormView> {
  // Loaded on first use, and the viewer only (the form-js package also bundles editor and playground,
  // five times the size): pages without a form do not pay for it.
  const { Form } = await import('@bpmn-io/form-js-viewer');
  // No input debounce: with form-js's default (300 ms) a text typed just before another field is
  // changed lands afterwards with the form's older data and undoes that change (a checkbox ticked
  // right after typing flips back), and a submit within the window misses the last keystrokes.
  const form = new Form({ container, debounce: false } as ConstructorParameters<typeof Form>[0]);
  await form.importSchema(schema as never, data);
  return {
    submit: () => form.submit() as { data: FormData; errors: Record<string, unknown> },
    destroy: () => form.destroy(),
  };
}
