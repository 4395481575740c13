/**
 * The closed lists the contracts check against and the pages show at run time. No zod here: a page
 * importing a list (through i18n/languages.ts or notifications/notification.ts) must not bundle zod.
 */

/** The languages Baton speaks (a language is a folder of catalogs in `locales/` plus its code here). */
export const LANGUAGES = ['en', 'ru'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** What a person can be notified of, each switchable per channel. */
export const NOTIFICATION_KINDS = ['assigned', 'queue', 'sla-at-risk', 'sla-breached', 'customer-replied'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The days of a calendar's week, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
