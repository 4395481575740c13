/** Wire contracts of `/api/timers`: the list query and the administrators' timer actions. */
import { z } from 'zod';

/** `GET /api/timers`: pending timers, of one instance or due before an instant. */
export const timerQuerySchema = z.object({
  instance: z.string().trim().min(1).max(200).optional(),
  dueBefore: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** `POST /api/timers/:id/fire` and `/cancel`: an admin action is audited with its reason; firing without one says so. */
export const fireTimerSchema = z.object({ reason: z.string().trim().min(1).max(2000).default('fired by API') });
export type FireTimerBody = z.input<typeof fireTimerSchema>;

/** `POST /api/timers/:id/reschedule`. */
export const rescheduleTimerSchema = z.object({
  dueAt: z.coerce.date(),
  reason: z.string().trim().min(1, 'say why the timer moves').max(2000),
});
/** As a page sends it: the new due time as an ISO 8601 string. */
export type RescheduleTimerBody = { dueAt: string; reason: string };
