import { CUSTOMER_LANG } from '../../customer/customer-lang.js';
import { renderEmail } from '../../i18n/email-template.js';
import { langOr } from '../../i18n/i18n.js';
import type { Connector } from './connector.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * Queues an email in the outbox. The outbox row is part of the step's transaction, so an email is
 * queued exactly when the step commits; the outbox dispatcher sends it afterwards.
 *
 * With input `template` (a key of the `email` catalog, e.g. `ticket-resolved`) the subject and
 * body come from the catalog in the customer's language (input `lang`, else the `customerLang`
 * variable recorded at the start, else English), interpolated with the process variables and the
 * task's other inputs. Without it, the literal `subject` and `body` inputs are sent as they are.
 */
export const emailConnector: Connector = {
  name: 'email',
  description: "Queues an email in the outbox: inputs `to` and either `template` (a catalog email in the customer's language) or `subject` and `body`.",
  async run(call) {
    const to = text(call.input['to']).trim();
    if (!EMAIL.test(to)) {
      throw new Error(`email: input 'to' must be an email address, got '${to}'`);
    }
    const template = text(call.input['template']).trim();
    if (template) {
      const lang = langOr(call.input['lang'] ?? call.variables[CUSTOMER_LANG]);
      const { template: _t, to: _to, lang: _l, ...inputs } = call.input;
      call.queueEmail({ to, ...renderEmail(template, lang, { ...call.variables, ...inputs, ticketNumber: call.ticketNumber }) });
      return { queued: true, template, lang };
    }
    const subject = text(call.input['subject']) || `Ticket ${call.ticketNumber}`;
    call.queueEmail({ to, subject, body: text(call.input['body']) });
    return { queued: true };
  },
};
