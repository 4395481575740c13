import { formJsFields, keyedComponents } from '../tasks/form-js-fields.js';
import type { TaskFormField } from '../tasks/task.js';

/** The longest text a customer form field keeps (longer text is cut; the page's inputs say so too). */
export const MAX_FIELD_TEXT = 5000;

/** A file field of a form-js schema (`filepicker`): what the customer may upload there. */
export interface UploadField {
  id: string;
  label: string | null;
  required: boolean;
}

/**
 * The fields a form-js schema asks for, checked by `validateFormData` like any task form, plus its
 * file fields apart (uploads travel as multipart parts, not as variables).
 */
export function fieldsOfSchema(schema: Record<string, unknown>): { fields: TaskFormField[]; uploads: UploadField[] } {
  const uploads = keyedComponents(schema)
    .filter((component) => component.type === 'filepicker')
    .map((component) => ({
      id: component.key,
      label: typeof component.label === 'string' ? component.label : null,
      required: component.validate?.required === true,
    }));
  return { fields: formJsFields(schema), uploads };
}
