/** Wire contracts of `/api/outbox` (administrators): which messages to list. */
import { z } from 'zod';

export const OUTBOX_STATES = ['pending', 'failed', 'sent'] as const;

/** `GET /api/outbox`: the failed messages unless told. */
export const outboxQuerySchema = z.object({
  state: z.enum(OUTBOX_STATES).default('failed'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OutboxState = (typeof OUTBOX_STATES)[number];
