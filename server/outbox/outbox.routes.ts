import { Router } from 'express';
import type { Logger } from 'pino';

import { outboxQuerySchema } from '../contracts/outbox.js';
import { actorOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { OutboxDispatcher } from './outbox-dispatcher.js';
import type { OutboxStore } from './outbox.store.js';

/**
 * The outbox for administrators: emails pending, failed (with the SMTP error) and sent, and a
 * resend that starts a message's tries over. Webhooks are called inside their step; a failed one
 * is an incident, retried from the operations page.
 */
export function outboxRoutes(outbox: OutboxStore, dispatcher: () => OutboxDispatcher | null, logger: Logger): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    guard(req, 'admin');
    const { state, limit } = parseInput(outboxQuerySchema, req.query, 'outbox query');
    res.json(await outbox.list(state, limit));
  });
  router.post('/:id/resend', async (req, res) => {
    guard(req, 'admin');
    const message = await outbox.resend(req.params.id);
    logger.info({ outboxId: message.id, instanceId: message.instanceId, actor: actorOf(req) }, 'outbox message resent by an admin');
    // Without a mail transport (BATON_SMTP_URL unset) it stays pending until one is configured.
    await dispatcher()?.retryNow(message.id);
    res.json({ message, delivering: dispatcher() !== null });
  });
  return router;
}
