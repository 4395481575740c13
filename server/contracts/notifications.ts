/** Wire contracts of `/api/notifications`: a person's own notifications. */
import { z } from 'zod';

/** `GET /api/notifications`: newest first, a page before an instant. */
export const notificationQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(30),
    before: z.iso.datetime().optional(),
  })
  .strict();

/** `POST /api/notifications/read`: these, or all when `ids` is left out. */
export const markReadSchema = z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional() }).strict();
export type MarkReadBody = z.input<typeof markReadSchema>;
