/**
 * The customer's language, recorded as the process variable `customerLang` when a ticket starts
 * (the public request: the language the customer's browser asked for; a ticket staff open: the
 * start form's `customerLang`, else the default) and read by the `email` connector, so every
 * email of the ticket reaches the customer in one language.
 */
import { InvalidInputError } from '../errors.js';
import { DEFAULT_LANG, isLang, LANGUAGES, type Lang } from '../i18n/i18n.js';

export const CUSTOMER_LANG = 'customerLang';
/** Variables that say a ticket has a customer to write to (as the shipped processes name them). */
const CONTACT_VARIABLES = ['customerEmail', 'customerPhone'];

/**
 * `variables` with `customerLang` set: kept when given (a supported language, else 400), else
 * `fallback` when the ticket has a customer contact; unchanged otherwise.
 */
export function withCustomerLang(variables: Record<string, unknown>, fallback: Lang = DEFAULT_LANG): Record<string, unknown> {
  const given = variables[CUSTOMER_LANG];
  if (given !== undefined && given !== null && given !== '') {
    if (!isLang(given)) throw new InvalidInputError(`${CUSTOMER_LANG}: must be one of ${LANGUAGES.join(', ')}, got '${String(given).slice(0, 40)}'`);
    return variables;
  }
  if (!CONTACT_VARIABLES.some((name) => variables[name] !== undefined && variables[name] !== null && variables[name] !== '')) return variables;
  return { ...variables, [CUSTOMER_LANG]: fallback };
}
