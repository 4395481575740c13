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
    defaultValue?: string;
    validation?: { constraints?: { name?: string }[] };
    values?: { id?: string }[];
  }[];
}

/** Camunda 7's older form: one `camunda:formProperty` per field, directly in the extension elements. */
interface FormPropertyElement {
  $type?: string;
  id?: string;
  name?: string;
  type?: string;
  required?: string | boolean;
  default?: string;
  writable?: string | boolean;
  values?: { id?: string }[];
}

function fieldType(type: string | undefined): TaskFormField['type'] {
  return FIELD_TYPES.has(type as TaskFormField['type']) ? (type as TaskFormField['type']) : 'string';
}

/** A default given as text in the diagram, as the value the field holds (a long as a number, a boolean as true/false). */
function typedDefault(type: TaskFormField['type'], raw: string | undefined): Pick<TaskFormField, 'defaultValue'> {
  const text = raw?.trim();
  // An expression default (`${today}`) would need the instance's variables: left to the person.
  if (text === undefined || text === '' || text.includes('${') || text.includes('#{')) return {};
  if (type === 'long' || type === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? { defaultValue: number } : {};
  }
  if (type === 'boolean') return text === 'true' || text === 'false' ? { defaultValue: text === 'true' } : {};
  return { defaultValue: text };
}

function formPropertyFields(extensionValues: readonly unknown[]): TaskFormField[] | null {
  const properties = extensionValues.filter((value): value is FormPropertyElement => (value as FormPropertyElement)?.$type === 'camunda:FormProperty');
  if (properties.length === 0) return null;
  return (
    properties
      // A read-only property is shown by Camunda, never submitted: nothing to check.
      .filter((property) => typeof property.id === 'string' && property.id !== '' && String(property.writable ?? 'true') !== 'false')
      .map((property) => {
        const type = fieldType(property.type);
        return {
          id: String(property.id),
          label: property.name ?? null,
          type,
          required: String(property.required ?? 'false') === 'true',
          values: (property.values ?? []).map((value) => String(value.id ?? '')).filter((id) => id !== ''),
          ...typedDefault(type, property.default),
        };
      })
  );
}

/**
 * The fields of a camunda:formData on a user task (Camunda's generated forms), or null when it
 * has none. Unknown field types are kept as `string` so a diagram from Camunda still opens.
 */
export function formDataFields(extensionValues: readonly unknown[]): TaskFormField[] | null {
  const formData = extensionValues.find((value): value is FormDataElement => (value as FormDataElement)?.$type === 'camunda:FormData');
  if (!formData) return formPropertyFields(extensionValues);
  return (formData.fields ?? [])
    .filter((field) => typeof field.id === 'string' && field.id !== '')
    .map((field) => {
      const type = fieldType(field.type);
      return {
        id: String(field.id),
        label: field.label ?? null,
        type,
        required: (field.validation?.constraints ?? []).some((constraint) => constraint.name === 'required'),
        values: (field.values ?? []).map((value) => String(value.id ?? '')).filter((id) => id !== ''),
        ...typedDefault(type, field.defaultValue),
      };
    });
}

/** The completion's data with the form's defaults for the fields it leaves out (as Camunda prefills them). */
export function withFormDefaults(form: TaskFormField[] | null, data: Record<string, unknown>): Record<string, unknown> {
  if (!form) return data;
  const filled = { ...data };
  for (const field of form) {
    if (field.defaultValue !== undefined && (filled[field.id] === undefined || filled[field.id] === null)) filled[field.id] = field.defaultValue;
  }
  return filled;
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
