import { z } from 'zod';

import type { Clock } from '../clock.js';
import type { DefinitionService } from '../definitions/definition.service.js';
import { NotFoundError } from '../errors.js';
import { variablesSchema } from '../contracts/common.js';
import { parseInput } from '../http/validate.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import { validateFormData } from '../tasks/task-form.js';
import { renderEmail } from '../i18n/email-template.js';
import type { Lang } from '../i18n/i18n.js';
import { CUSTOMER_ACTOR } from './customer-department.js';
import { CUSTOMER_LANG } from './customer-lang.js';
import { MAX_FIELD_TEXT } from './form-fields.js';
import { HONEYPOT_FIELD, type IntakeGuard } from './intake-guard.js';
import type { ProcessProfile, ProcessProfiles } from './process-profile.js';
import type { IntakeForm } from './status-view.js';
import { hashStatusToken, newStatusToken } from './status-token.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The start form field whose address gets the confirmation. */
const EMAIL_FIELD = 'customerEmail';

export const intakeSchema = z
  .object({
    data: z.record(z.string(), z.unknown()),
    formStamp: z.string().max(200),
    [HONEYPOT_FIELD]: z.string().max(500).optional(),
  })
  .strict();

export interface IntakeReceipt {
  ticketNumber: string;
  /** The private status link's token: shown once, never stored. */
  token: string;
  statusUrl: string;
}

export interface IntakeOptions {
  /** Absolute base of the links in emails and QR codes, e.g. `https://desk.example.org`. */
  publicUrl: string;
  /** How long a status link works. */
  statusTtlMs: number;
}

/**
 * Public intake: a process that says `intake=public` can be started by anyone with its start
 * form. Unknown processes and processes without public intake answer the same 404.
 */
export class IntakeService {
  constructor(
    private readonly definitions: DefinitionService,
    private readonly profiles: ProcessProfiles,
    private readonly runner: InstanceRunner,
    private readonly guard: IntakeGuard,
    private readonly clock: Clock,
    private readonly options: IntakeOptions,
  ) {}

  async form(processKey: string): Promise<IntakeForm> {
    const { profile } = await this.intakeProcess(processKey);
    return {
      processKey,
      title: profile.title,
      schema: profile.startForm?.schema ?? null,
      fields: profile.startForm?.fields ?? [],
      formStamp: await this.guard.stamp(processKey),
      honeypot: HONEYPOT_FIELD,
    };
  }

  /** The link a QR code on the equipment opens: the request form, prefilled from `prefill`. */
  async requestUrl(processKey: string, prefill: Record<string, string>): Promise<string> {
    return this.urlOf(processKey, (await this.intakeProcess(processKey)).profile, prefill);
  }

  /** What a printable label shows: the process's title and the prefilled request link (one lookup). */
  async label(processKey: string, prefill: Record<string, string>): Promise<{ title: string; url: string }> {
    const { profile } = await this.intakeProcess(processKey);
    return { title: profile.title, url: this.urlOf(processKey, profile, prefill) };
  }

  private urlOf(processKey: string, profile: ProcessProfile, prefill: Record<string, string>): string {
    const known = new Set((profile.startForm?.fields ?? []).map((field) => field.id));
    const query = new URLSearchParams(Object.entries(prefill).filter(([name]) => known.has(name)));
    const search = query.size ? `?${query}` : '';
    return `${this.options.publicUrl}/request/${encodeURIComponent(processKey)}${search}`;
  }

  /** `lang`: the language the customer's request asked for; their emails are written in it. */
  async submit(processKey: string, body: unknown, address: string, lang: Lang): Promise<IntakeReceipt> {
    // Counted before anything else: a flood of invalid submissions is a flood too.
    await this.guard.admit(address);
    const input = parseInput(intakeSchema, body, 'request');
    const { definition, profile } = await this.intakeProcess(processKey);
    await this.guard.check(processKey, input.formStamp, input[HONEYPOT_FIELD]);
    const fields = profile.startForm?.fields ?? [];
    // Only the form's own fields start the process: anything else sent along is dropped.
    const variables: Record<string, unknown> = {};
    for (const field of fields) {
      const value = input.data[field.id];
      if (value !== undefined && value !== null && value !== '') variables[field.id] = typeof value === 'string' ? value.trim().slice(0, MAX_FIELD_TEXT) : value;
    }
    validateFormData(fields, variables);
    parseInput(variablesSchema, variables, 'form data');
    variables[CUSTOMER_LANG] = lang;

    const token = newStatusToken();
    const statusUrl = `${this.options.publicUrl}/status/${token}`;
    const emailTo = typeof variables[EMAIL_FIELD] === 'string' && EMAIL.test(variables[EMAIL_FIELD]) ? variables[EMAIL_FIELD] : null;
    const { instance } = await this.runner.start(definition, {
      variables,
      businessKey: null,
      actor: CUSTOMER_ACTOR,
      emails: (ticketNumber) => (emailTo ? [{ to: emailTo, ...renderEmail('intake-confirmation', lang, { ticketNumber, title: profile.title, statusUrl }) }] : []),
      statusAccess: { tokenHash: hashStatusToken(token), expiresAt: new Date(this.clock.now().getTime() + this.options.statusTtlMs).toISOString() },
    });
    return { ticketNumber: instance.ticketNumber, token, statusUrl };
  }

  private async intakeProcess(processKey: string) {
    // Only "not deployed" reads as no form: a store failure stays a failure (500), not a 404.
    const definition = await this.definitions.latest(processKey).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    const profile = definition ? await this.profiles.get(definition) : null;
    if (!definition || !profile?.intake) throw new NotFoundError('There is no request form here');
    return { definition, profile };
  }
}
