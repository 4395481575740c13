import { CUSTOMER_LANG } from '../customer/customer-lang.js';
import type { Clock } from '../clock.js';
import { hashStatusToken, newStatusToken } from '../customer/status-token.js';
import { DEFAULT_LANG, isLang, translator, type Lang } from '../i18n/i18n.js';
import type { StartRequest } from '../instances/instance-runner.js';

/** Process variables that name the customer and how to reach them, as the shipped processes call them. */
export const CUSTOMER_VARIABLES = { name: 'customerName', email: 'customerEmail', phone: 'customerPhone', language: 'customerLanguage' } as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface StatusLinkOptions {
  /** Absolute base of the status links in emails. */
  publicUrl: string;
  statusTtlMs: number;
}

/** What a start with a customer contact adds to its step: the link's hash, the mail, and the link to answer with. */
export interface StartStatusLink {
  statusUrl: string;
  start: Pick<StartRequest, 'emails' | 'statusAccess'>;
}

/**
 * The customer's status link for every ticket started with a contact (`customerEmail` or
 * `customerPhone`): the desk's "New ticket", the API and message starts alike. The link's hash
 * and the mail with the ticket number go into the start step itself.
 */
export class StatusLinks {
  constructor(
    private readonly clock: Clock,
    private readonly options: StatusLinkOptions,
  ) {}

  /** Null when the variables name no way to reach the customer. */
  forStart(variables: Record<string, unknown>): StartStatusLink | null {
    const email = emailOf(variables);
    if (email === null && !nonEmpty(variables[CUSTOMER_VARIABLES.phone])) return null;
    const token = newStatusToken();
    const statusUrl = this.url(token);
    const t = translator(languageOf(variables));
    return {
      statusUrl,
      start: {
        emails: (ticketNumber) => (email ? [{ to: email, subject: t('status:email.opened.subject', { ticketNumber }), body: t('status:email.opened.body', { ticketNumber, url: statusUrl }) }] : []),
        statusAccess: { tokenHash: hashStatusToken(token), expiresAt: this.expiry() },
      },
    };
  }

  /** A fresh link (lookup by ticket number and email): the token to mail and the hash to store. */
  fresh(): { url: string; tokenHash: string; expiresAt: string } {
    const token = newStatusToken();
    return { url: this.url(token), tokenHash: hashStatusToken(token), expiresAt: this.expiry() };
  }

  private url(token: string): string {
    return `${this.options.publicUrl}/status/${token}`;
  }

  private expiry(): string {
    return new Date(this.clock.now().getTime() + this.options.statusTtlMs).toISOString();
  }
}

export function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** The customer's email when it is one. */
export function emailOf(variables: Record<string, unknown>): string | null {
  const value = variables[CUSTOMER_VARIABLES.email];
  return typeof value === 'string' && EMAIL.test(value.trim()) ? value.trim() : null;
}

/** The customer's language: `customerLang` (what every customer email reads), else `customerLanguage` (as the start forms ask it), else English. */
export function languageOf(variables: Record<string, unknown>): Lang {
  const value = variables[CUSTOMER_LANG] ?? variables[CUSTOMER_VARIABLES.language];
  return isLang(value) ? value : DEFAULT_LANG;
}
