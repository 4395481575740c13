/** Wire contracts of the customer's public pages (`/api/public/…`, `/status/…`): intake links and feedback. */
import { z } from 'zod';

import { key } from './common.js';

/** The process a request page or intake link is for. */
export const processKeySchema = key;

/** `?field=value` pre-filling a request form (an intake link, a QR label): short texts under variable-like names. */
export const prefillSchema = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .max(100),
  z.string().max(500),
);

/** The customer's rating of a closed ticket, from the status page or a rating link. */
export const feedbackSchema = z.object({
  rating: z.coerce.number().int().min(1).max(5),
  comment: z
    .string()
    .trim()
    .max(2000)
    .refine((text) => !text.includes('\u0000'), 'must not contain the NUL character')
    .default(''),
});
export type FeedbackBody = z.input<typeof feedbackSchema>;
export type Feedback = z.infer<typeof feedbackSchema>;
