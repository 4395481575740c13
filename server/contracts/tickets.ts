/** Wire contracts of the service desk: a ticket by its number, the customer conversation, the customers' lookup. */
import { z } from 'zod';

/** The longest message either side may write (a page of text); longer is refused, not cut. */
export const MAX_MESSAGE_TEXT = 4000;

/** A message to or from the customer: words, not nothing, at most a page. Stored as written; pages escape it. */
export const conversationTextSchema = z.object({
  text: z
    .string({ error: 'text is required and is words' })
    .trim()
    .min(1, 'Write something first: the message is empty')
    .max(MAX_MESSAGE_TEXT, `A message is at most ${MAX_MESSAGE_TEXT} characters; split it or shorten it`)
    .refine((text) => !text.includes('\u0000'), 'A message must not contain the NUL character'),
});

/** A ticket number as people type it (`HD-000123`). */
export const ticketNumberSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9-]+$/, 'a ticket number is letters, digits and dashes');

/** The customer's "find my ticket": its number and the email it was opened with. */
export const lookupSchema = z.object({
  ticketNumber: ticketNumberSchema,
  email: z.string().trim().min(3).max(320).email('is not an email address'),
});

/** The ticket socket's `ticket:watch`: follow one ticket's story live. */
export const ticketWatchSchema = z.object({ instanceId: z.string().trim().min(1).max(200) }).strict();

export type ConversationBody = z.input<typeof conversationTextSchema>;
export type LookupBody = z.input<typeof lookupSchema>;
