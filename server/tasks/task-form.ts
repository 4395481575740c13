import { InvalidInputError, type ErrorIssue } from '../errors.js';
import type { TaskFormField } from './task.js';

/** camunda:formData's field types (`number` comes from form-js forms only). */
const FIELD_TYPES = new Set<TaskFormField['type']>(['string', 'long', 'boolean', 'date', 'enum']);

interface FormDataElement {
  $type?: string;
  fields?: {
    id?: string;
    label?: string;
    type?: string;
    validation?: { constraints?: { name?: string }[] };
    values?: { id?: string }[];
  }[];
}

/**
 * The fields of a camunda:formData on a user task (Camunda's generated forms), or null when it
 * has none. Unknown field types are kept as `string` so a diagram from Camunda still opens.
 */
export function formDataFields(extensionValues: readonly unknown[]): TaskFormField[] | null {
  const formData = extensionValues.find((value): value is FormDataElement => (value as FormDataElement)?.$type === 'camunda:FormData');
  if (!formData) return null;
  return (formData.fields ?? [])
    .filter((field) => typeof field.id === 'string' && field.id !== '')
    .map((field) => ({
      id: String(field.id),
      label: field.label ?? null,
      type: FIELD_TYPES.has(field.type as TaskFormField['type']) ? (field.type as TaskFormField['type']) : 'string',
      required: (field.validation?.constraints ?? []).some((constraint) => constraint.name === 'required'),
      values: (field.values ?? []).map((value) => String(value.id ?? '')).filter((id) => id !== ''),
    }));
}

function typeProblem(field: TaskFormField, value: unknown): string | null {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? null : 'must be text';
    case 'long':
      return Number.isInteger(value) ? null : 'must be a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : 'must be a date (ISO 8601)';
    case 'enum':
      return typeof value === 'string' && field.values.includes(value) ? null : `must be one of ${field.values.join(', ')}`;
  }
}

/** Throws InvalidInputError naming every field that is missing or of the wrong type; no form accepts anything. */
export function validateFormData(form: TaskFormField[] | null, data: Record<string, unknown>): void {
  if (!form) return;
  const issues: ErrorIssue[] = [];
  for (const field of form) {
    const value = data[field.id];
    if (value === undefined || value === null || value === '') {
      if (field.required) issues.push({ elementId: null, message: `${field.id}: is required` });
      continue;
    }
    const problem = typeProblem(field, value) ?? (field.mustBeChecked && value !== true ? 'must be checked' : null);
    if (problem) issues.push({ elementId: null, message: `${field.id}: ${problem}` });
  }
  if (issues.length) throw new InvalidInputError(`The form is not filled in correctly: ${issues.map((i) => i.message).join('; ')}`, issues);
}
