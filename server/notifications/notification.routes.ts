import { Router } from 'express';

import { markReadSchema, notificationQuerySchema } from '../contracts/notifications.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import { notificationView } from './notification.js';
import type { NotificationService } from './notification.service.js';

export function notificationRoutes(notifications: NotificationService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { limit, before } = parseInput(notificationQuerySchema, req.query, 'notifications query');
    const { unread, items } = await notifications.list(principalOf(req).username, before ? { limit, before } : { limit });
    res.json({ unread, items: items.map(notificationView) });
  });
  /** `{ ids }` marks those read, `{}` all of them; answers how many stay unread. */
  router.post('/read', async (req, res) => {
    const { ids } = parseInput(markReadSchema, req.body ?? {}, 'notifications to mark read');
    res.json(await notifications.markRead(principalOf(req).username, ids ?? null));
  });
  return router;
}
