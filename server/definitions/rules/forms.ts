/** Embedded task forms (see embedded-forms.ts): each has a unique key and a form-js schema. */
import { isExpression } from '../../engine/expressions/expression.js';
import { embeddedForms, parseFormSchema } from '../embedded-forms.js';
import { describe, extensions, trimmed } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

export function checkForms(context: RuleContext): void {
  const seen = new Set<string>();
  for (const form of embeddedForms(context.definitions)) {
    const at = form.processId || null;
    if (form.key === '') {
      context.findings.error(at, 'A task form (baton:form) has no key; give it the formKey of the user task that shows it');
      continue;
    }
    if (seen.has(form.key)) context.findings.error(at, `Two task forms have the key '${form.key}'; keys must be unique`);
    seen.add(form.key);
    const parsed = parseFormSchema(form.body);
    if ('error' in parsed) context.findings.error(at, `The task form '${form.key}' ${parsed.error}`);
  }
  warnMissingForms(context, seen);
}

/**
 * A user task whose formKey names no embedded form (and that has no camunda:formData) shows only
 * "Complete" in the inbox, so the variables its gateways need never get a value. Only a warning:
 * a Camunda diagram may keep its forms elsewhere (`embedded:app:…`, `camunda-forms:…`).
 */
function warnMissingForms(context: RuleContext, formKeys: ReadonlySet<string>): void {
  for (const task of context.runnableElements) {
    if (!task.$instanceOf('bpmn:UserTask')) continue;
    const formKey = trimmed(task, 'camunda:formKey');
    // A formKey computed at run time cannot be looked up here.
    if (formKey === undefined || isExpression(formKey) || formKeys.has(formKey)) continue;
    if (extensions(task, 'camunda:FormData').length > 0 || extensions(task, 'camunda:FormProperty').length > 0) continue;
    context.findings.warn(task, `${describe(task)} has the form key '${formKey}', but the diagram has no task form with that key: the inbox will show only "Complete", without fields`);
  }
}
