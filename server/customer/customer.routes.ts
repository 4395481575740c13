import express, { Router, type Request, type Response } from 'express';

import { BatonError, NotFoundError } from '../errors.js';
import { HTTP_STATUS } from '../http/error-handler.js';
import { guard, READERS } from '../http/roles.js';
import { refuseHostileBody } from '../http/hostile-values.js';
import { instanceParamsSchema } from '../contracts/instances.js';
import { parseInput } from '../http/validate.js';
import type { IntakeService } from './intake.service.js';
import { readMultipart } from './multipart.js';
import { labelPage } from './label-page.js';
import { isLang, langFromRequest, translator } from '../i18n/i18n.js';
import { qrSvg } from './qr-code.js';
import { lookupPage, noTicketPage, statusPage } from './status-page.js';
import { conversationTextSchema, lookupSchema } from '../contracts/tickets.js';
import { feedbackSchema, prefillSchema, processKeySchema } from '../contracts/customer.js';
import type { TicketService } from '../tickets/ticket.service.js';
import { NO_TICKET, type StatusService } from './status.service.js';

/** The customer's pages carry a secret in their URL: no caching, no referrer, no indexing, no foreign scripts. */
function privatePage(res: Response): void {
  res.set({
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
  });
}

/**
 * `/api/public/…`: what customers call without signing in. Bodies are small (32 kB for a request,
 * 8 kB for feedback; answers with files go through the multipart reader's own limits).
 */
export function publicCustomerApi(intake: IntakeService, status: StatusService): Router {
  const router = Router();
  router.get('/processes/:key/intake', async (req, res) => {
    res.set('cache-control', 'no-store').json(await intake.form(parseInput(processKeySchema, req.params.key, 'process key')));
  });
  router.post('/processes/:key/requests', express.json({ limit: '32kb' }), refuseHostileBody, async (req, res) => {
    const receipt = await intake.submit(parseInput(processKeySchema, req.params.key, 'process key'), req.body, req.ip ?? req.socket.remoteAddress ?? 'unknown', langFromRequest(req));
    privatePage(res);
    res.status(201).json({ ticketNumber: receipt.ticketNumber, token: receipt.token, statusUrl: receipt.statusUrl, statusPath: `/status/${receipt.token}` });
  });
  // The printable code for equipment: query parameters prefill the form (only its own fields).
  router.get('/processes/:key/qr.svg', async (req, res) => {
    const prefill = parseInput(prefillSchema, req.query, 'prefill');
    const url = await intake.requestUrl(parseInput(processKeySchema, req.params.key, 'process key'), prefill);
    res
      .type('image/svg+xml')
      .set('cache-control', 'public, max-age=300')
      .send(await qrSvg(url));
  });
  router.get('/processes/:key/request-link', async (req, res) => {
    const prefill = parseInput(prefillSchema, req.query, 'prefill');
    res.json({ url: await intake.requestUrl(parseInput(processKeySchema, req.params.key, 'process key'), prefill) });
  });

  router.use('/status/:token', status.guesses.guard('json'));
  router.get('/status/:token', async (req, res) => {
    privatePage(res);
    res.json(await status.view(req.params.token));
  });
  router.post('/status/:token/tasks/:taskId', async (req, res) => {
    privatePage(res);
    const access = await status.access(req.params.token);
    const answer = await readMultipart(req);
    res.json(await status.answer(access, req.params.taskId, answer));
  });
  router.post('/status/:token/feedback', express.json({ limit: '8kb' }), refuseHostileBody, async (req, res) => {
    privatePage(res);
    res.json(await status.leaveFeedback(req.params.token, parseInput(feedbackSchema, req.body ?? {}, 'feedback')));
  });
  return router;
}

/**
 * `/status/:token`: the server-rendered status page (works without JavaScript) and its plain form
 * posts; `/request/:key/label`: a printable QR label for equipment.
 */
export function customerPages(intake: IntakeService, status: StatusService, tickets: TicketService): Router {
  const router = Router();
  // The lookup by ticket number and email: the same page whether or not they belong together.
  router.get('/status', (req, res) => {
    privatePage(res);
    res.type('html').send(lookupPage(langFromRequest(req), false));
  });
  router.post('/status', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    privatePage(res);
    const lang = langFromRequest(req);
    try {
      const { ticketNumber, email } = parseInput(lookupSchema, req.body ?? {}, 'lookup');
      await tickets.lookup(ticketNumber, email, req.ip ?? req.socket.remoteAddress ?? 'unknown');
      res.type('html').send(lookupPage(lang, true));
    } catch (err) {
      if (!(err instanceof BatonError)) throw err;
      res
        .status(HTTP_STATUS[err.code] ?? 400)
        .type('html')
        .send(lookupPage(lang, false, err.message));
    }
  });
  router.get('/request/:key/label', async (req, res) => {
    const key = parseInput(processKeySchema, req.params.key, 'process key');
    // `lang` picks the label's language (its links); the rest prefills the request form.
    const { lang: asked, ...prefill } = parseInput(prefillSchema, req.query, 'prefill');
    const { title, url } = await intake.label(key, prefill);
    const lang = isLang(asked) ? asked : langFromRequest(req);
    res
      .type('html')
      .set('cache-control', 'no-cache')
      .send(labelPage(title, url, await qrSvg(url), Object.fromEntries(new URL(url).searchParams), lang, translator(lang), req.originalUrl));
  });
  const render = async (req: Request, res: Response, notice: string | null, code = 200) => {
    privatePage(res);
    const token = String(req.params['token']);
    try {
      const access = await status.access(token);
      const [view, messages] = await Promise.all([status.viewOf(access.instanceId), tickets.customerConversation(access.instanceId)]);
      res
        .status(code)
        .type('html')
        .send(statusPage(view, token, notice, langFromRequest(req), messages));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      res
        .status(404)
        .type('html')
        .send(noTicketPage(NO_TICKET, langFromRequest(req)));
    }
  };
  /** After a post: back to the page (303), or the page again with the problem said in words. */
  const afterPost = async (req: Request, res: Response, action: () => Promise<unknown>) => {
    try {
      await action();
      privatePage(res);
      res.redirect(303, `/status/${encodeURIComponent(String(req.params['token']))}`);
    } catch (err) {
      if (!(err instanceof BatonError)) throw err;
      if (err instanceof NotFoundError && err.message === NO_TICKET) {
        privatePage(res);
        res
          .status(404)
          .type('html')
          .send(noTicketPage(NO_TICKET, langFromRequest(req)));
        return;
      }
      await render(req, res, err.message, HTTP_STATUS[err.code] ?? 400);
    }
  };
  router.use('/status/:token', status.guesses.guard('html'));
  router.get('/status/:token', (req, res) => render(req, res, null));
  router.post('/status/:token/tasks/:taskId', (req, res) =>
    afterPost(req, res, async () => {
      const access = await status.access(req.params.token);
      await status.answer(access, req.params.taskId, await readMultipart(req));
    }),
  );
  router.post('/status/:token/conversation', express.urlencoded({ extended: false, limit: '32kb' }), (req, res) =>
    afterPost(req, res, async () => {
      const { instanceId } = await status.access(req.params.token);
      await tickets.customerReply(instanceId, parseInput(conversationTextSchema, req.body ?? {}, 'message').text);
    }),
  );
  router.post('/status/:token/feedback', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) =>
    afterPost(req, res, async () => status.leaveFeedback(req.params.token, parseInput(feedbackSchema, req.body ?? {}, 'feedback'))),
  );
  return router;
}

/** For staff: what the customer said and how long the ticket waited on them. */
export function customerStaffRoutes(status: StatusService): Router {
  const router = Router();
  router.get('/:id/customer', async (req, res) => {
    guard(req, ...READERS);
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    res.json(await status.customerStats(id));
  });
  return router;
}
