/** Wire contracts of `/api/account`: the signed-in person's language, email and notification choices. */
import { z } from 'zod';

import { LANGUAGES, NOTIFICATION_KINDS, type Lang, type NotificationKind } from './lists.js';

const channels = z.object({ browser: z.boolean().optional(), email: z.boolean().optional() }).strict();

/** `PATCH /api/account`: any of the settings; a notification kind names only the channels it changes. */
export const accountPatchSchema = z
  .object({
    lang: z.enum(LANGUAGES).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    notifications: z.partialRecord(z.enum(NOTIFICATION_KINDS), channels).optional(),
  })
  .strict();
export type AccountPatchBody = z.input<typeof accountPatchSchema>;
export type AccountPatch = z.infer<typeof accountPatchSchema>;

/** Where a person wants to hear of one kind. */
export interface Channels {
  browser: boolean;
  email: boolean;
}

/** Per kind, where a person wants to hear of it. */
export type NotificationSettings = Record<NotificationKind, Channels>;

/** `GET /api/account` and the answer of a change. */
export interface AccountSettings {
  lang: Lang | null;
  email: string | null;
  notifications: NotificationSettings;
}
