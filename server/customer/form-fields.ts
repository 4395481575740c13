import type { TaskFormField } from '../tasks/task.js';

/** A file field of a form-js schema (`filepicker`): what the customer may upload there. */
export interface UploadField {
  id: string;
  label: string | null;
  required: boolean;
}

interface FormComponent {
  type?: unknown;
  key?: unknown;
  label?: unknown;
  validate?: { required?: unknown };
  values?: { value?: unknown }[];
  decimalDigits?: unknown;
  subtype?: unknown;
  components?: unknown;
}

function componentsOf(schema: Record<string, unknown>): FormComponent[] {
  const out: FormComponent[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const item of list as FormComponent[]) {
      if (typeof item !== 'object' || item === null) continue;
      out.push(item);
      // groups and dynamic lists nest their fields
      walk(item.components);
    }
  };
  walk(schema['components']);
  return out;
}

function fieldType(component: FormComponent): TaskFormField['type'] | null {
  switch (component.type) {
    case 'textfield':
    case 'textarea':
      return 'string';
    case 'number':
      return 'long';
    case 'checkbox':
      return 'boolean';
    case 'datetime':
      return component.subtype === 'date' ? 'date' : 'string';
    case 'select':
    case 'radio':
      return 'enum';
    default:
      return null;
  }
}

/**
 * The fields a form-js schema asks for, in the shape `validateFormData` checks (so a designed form
 * is validated on the server like a camunda:formData one), plus its file fields apart. Components
 * that hold no value (text, images, spacers) are not fields.
 */
export function fieldsOfSchema(schema: Record<string, unknown>): { fields: TaskFormField[]; uploads: UploadField[] } {
  const fields: TaskFormField[] = [];
  const uploads: UploadField[] = [];
  for (const component of componentsOf(schema)) {
    if (typeof component.key !== 'string' || component.key === '') continue;
    const label = typeof component.label === 'string' ? component.label : null;
    const required = component.validate?.required === true;
    if (component.type === 'filepicker') {
      uploads.push({ id: component.key, label, required });
      continue;
    }
    const type = fieldType(component);
    if (!type) continue;
    const values = type === 'enum' ? (component.values ?? []).map((value) => String(value.value ?? '')).filter((value) => value !== '') : [];
    fields.push({ id: component.key, label, type, required, values });
  }
  return { fields, uploads };
}
