/**
 * The `feedback-request` service task: emails the customer, in their language, the catalog's
 * `feedback-request` text and five one-click rating links (1 = poor … 5 = excellent). Input `to`
 * (default the `customerEmail` variable).
 */
import type { Connector } from '../engine/connectors/connector.js';
import { renderEmail } from '../i18n/email-template.js';
import { translator } from '../i18n/i18n.js';
import { DEFAULT_LANG, isLang } from '../i18n/languages.js';
import { CUSTOMER_LANG } from './customer-lang.js';
import type { RatingLinks } from './rating-links.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function feedbackRequestConnector(links: RatingLinks): Connector {
  return {
    name: 'feedback-request',
    description: 'Emails the customer a request for feedback with one-click 1–5 rating links (input to, default customerEmail).',
    async run(call) {
      const raw = call.input['to'] ?? call.variables['customerEmail'];
      const to = typeof raw === 'string' ? raw.trim() : '';
      if (!EMAIL.test(to)) throw new Error(`feedback-request: no email address to ask (input 'to' or variable customerEmail), got '${to}'`);
      const lang = isLang(call.variables[CUSTOMER_LANG]) ? call.variables[CUSTOMER_LANG] : DEFAULT_LANG;
      const t = translator(lang);
      const { subject, body } = renderEmail('feedback-request', lang, { ...call.variables, ticketNumber: call.ticketNumber });
      const lines = await Promise.all([1, 2, 3, 4, 5].map(async (score) => `${t(`feedback:score.${score}`)}: ${await links.url(call.instanceId, score)}`));
      call.queueEmail({ to, subject, body: `${body}\n\n${t('feedback:rateIntro')}\n${lines.join('\n')}` });
      return { queued: true };
    },
  };
}
