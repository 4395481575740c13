import { Router } from 'express';
import { z } from 'zod';

import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import { notificationView } from './notification.js';
import type { NotificationService } from './notification.service.js';

const listSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(30),
    before: z.iso.datetime().optional(),
  })
  .strict();

const readSchema = z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional() }).strict();

/** `/api/notifications`: the signed-in person's own notifications (everyone has only their own). */
export function notificationRoutes(notifications: NotificationService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { limit, before } = parseInput(listSchema, req.query, 'notifications query');
    const { unread, items } = await notifications.list(principalOf(req).username, before ? { limit, before } : { limit });
    res.json({ unread, items: items.map(notificationView) });
  });
  /** `{ ids }` marks those read, `{}` all of them; answers how many stay unread. */
  router.post('/read', async (req, res) => {
    const { ids } = parseInput(readSchema, req.body ?? {}, 'notifications to mark read');
    res.json(await notifications.markRead(principalOf(req).username, ids ?? null));
  });
  return router;
}
