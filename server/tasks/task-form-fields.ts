import { formBodyAmong, parseFormSchema } from '../definitions/embedded-forms.js';
import { formJsFields } from './form-js-fields.js';
import type { TaskFormField } from './task.js';
import { formDataFields } from './task-form.js';

/**
 * The fields a user task's completion is checked against, decided when the task opens: its
 * camunda:formData, else the form-js form its formKey names in the diagram (any process of it,
 * as the forms endpoint looks them up), else none (any data is accepted).
 */
export function taskFormFields(taskExtensionValues: readonly unknown[], formKey: string | null, processExtensionValues: readonly (readonly unknown[])[]): TaskFormField[] | null {
  const formData = formDataFields(taskExtensionValues);
  if (formData || !formKey) return formData;
  for (const values of processExtensionValues) {
    const body = formBodyAmong(values, formKey);
    if (body === null) continue;
    const parsed = parseFormSchema(body);
    // Deploy refuses a form that is not a form-js schema; an older version may still hold one.
    return 'schema' in parsed ? formJsFields(parsed.schema) : null;
  }
  return null;
}
