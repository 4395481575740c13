import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';

import type { Clock } from '../clock.js';
import type { CustomerStore } from './customer.store.js';
import { langFromRequest, translator, type Translate } from '../i18n/i18n.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { RatingLinks } from './rating-links.js';
import { escapeHtml, page } from './status-page.js';

const idSchema = z.string().trim().min(1).max(100);
const scoreSchema = z.coerce.number().int().min(1).max(5);
const formSchema = z.object({
  rating: scoreSchema,
  comment: z
    .string()
    .max(2000)
    .refine((text) => !text.includes('\u0000'))
    .default(''),
});

/**
 * `/rate/:instanceId/:signature` (the feedback email's links): GET shows the rating form with the
 * score of the link chosen; POST records it once per ticket. A wrong link is one uniform 404.
 */
export function ratingPages(deps: { links: RatingLinks; instances: InstanceStore; customer: CustomerStore; clock: Clock }): Router {
  const router = Router();

  async function ticketOf(req: Request, res: Response, t: Translate): Promise<{ id: string; ticketNumber: string; status: string } | null> {
    const id = idSchema.safeParse(req.params['instanceId']);
    const signature = String(req.params['signature'] ?? '');
    const instance = id.success && (await deps.links.verify(id.data, signature)) ? await deps.instances.get(id.data) : null;
    if (!instance) {
      res
        .status(404)
        .type('html')
        .send(page(t('feedback:page.title'), `<main><h1>${escapeHtml(t('feedback:page.title'))}</h1><p>${escapeHtml(t('feedback:page.invalid'))}</p></main>`, false));
      return null;
    }
    return instance;
  }

  function answer(res: Response, t: Translate, lang: string, ticketNumber: string, status: number, message: string, form = ''): void {
    const body = `<main><p class="muted">${escapeHtml(t('feedback:page.ticket', { ticket: ticketNumber }))}</p><h1>${escapeHtml(t('feedback:page.title'))}</h1><p id="message">${escapeHtml(message)}</p>${form}</main>`;
    res
      .status(status)
      .set('cache-control', 'no-store')
      .type('html')
      .send(page(t('feedback:page.title'), body, false, lang === 'ru' ? 'ru' : 'en'));
  }

  router.get('/rate/:instanceId/:signature', async (req, res) => {
    const lang = langFromRequest(req);
    const t = translator(lang);
    const ticket = await ticketOf(req, res, t);
    if (!ticket) return;
    if (await deps.customer.feedback(ticket.id)) return answer(res, t, lang, ticket.ticketNumber, 200, t('feedback:page.already'));
    if (ticket.status !== 'completed') return answer(res, t, lang, ticket.ticketNumber, 409, t('feedback:page.notDone'));
    const chosen = scoreSchema.safeParse(req.query['score']);
    const stars = [1, 2, 3, 4, 5]
      .map((n) => `<label><input type="radio" name="rating" value="${n}" required${chosen.success && chosen.data === n ? ' checked' : ''}> ${escapeHtml(t(`feedback:score.${n}`))}</label><br>`)
      .join('');
    const form = `<form method="post" id="rating-form"><fieldset><legend>${escapeHtml(t('feedback:page.choose'))}</legend>${stars}</fieldset>
<label for="comment">${escapeHtml(t('feedback:page.comment'))}</label><br><textarea id="comment" name="comment" rows="3" maxlength="2000"></textarea><br>
<button type="submit">${escapeHtml(t('feedback:page.send'))}</button></form>`;
    answer(res, t, lang, ticket.ticketNumber, 200, '', form);
  });

  router.post('/rate/:instanceId/:signature', express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const lang = langFromRequest(req);
    const t = translator(lang);
    const ticket = await ticketOf(req, res, t);
    if (!ticket) return;
    if (ticket.status !== 'completed') return answer(res, t, lang, ticket.ticketNumber, 409, t('feedback:page.notDone'));
    const parsed = formSchema.safeParse(req.body ?? {});
    if (!parsed.success) return answer(res, t, lang, ticket.ticketNumber, 400, t('feedback:page.pickOne'));
    const stored = await deps.customer.insertFeedback({ instanceId: ticket.id, rating: parsed.data.rating, comment: parsed.data.comment.trim(), createdAt: deps.clock.now().toISOString() });
    if (!stored) return answer(res, t, lang, ticket.ticketNumber, 409, t('feedback:page.already'));
    answer(res, t, lang, ticket.ticketNumber, 200, t('feedback:page.thanks', { rating: parsed.data.rating }));
  });

  return router;
}
