/** Embedded task forms (see embedded-forms.ts): each has a unique key and a form-js schema. */
import { embeddedForms, parseFormSchema } from '../embedded-forms.js';
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
}
