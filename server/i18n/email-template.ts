/**
 * Customer emails from the `email` catalog (`locales/<lang>/email.json`): a template is a key
 * with `subject` and `body`, interpolated with the ticket's values (`{{ticketNumber}}`), so every
 * customer email exists in each language and a new language is a catalog file.
 */
import { InvalidInputError } from '../errors.js';
import { hasKey, translator, type Lang } from './i18n.js';

/** Template names are catalog keys: no dots (nesting) or colons (namespaces) sneak in. */
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class UnknownEmailTemplateError extends InvalidInputError {}

export interface RenderedEmail {
  subject: string;
  body: string;
}

export function isEmailTemplate(name: string): boolean {
  return TEMPLATE_NAME.test(name) && hasKey(`email:${name}.subject`) && hasKey(`email:${name}.body`);
}

export function renderEmail(template: string, lang: Lang, values: Record<string, unknown>): RenderedEmail {
  if (!isEmailTemplate(template)) {
    throw new UnknownEmailTemplateError(`email: there is no email template '${template}' (locales/<lang>/email.json)`);
  }
  const t = translator(lang);
  return { subject: t(`email:${template}.subject`, values), body: t(`email:${template}.body`, values) };
}
