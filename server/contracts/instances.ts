/** Wire contracts of `/api/instances` and `/api/messages`: bodies, queries and the views the pages read. */
import { z } from 'zod';

import { instant, key, limit, offset, variablesSchema, type QueryOf } from './common.js';

export const INSTANCE_STATUSES = ['running', 'completed', 'cancelled', 'failed'] as const;
export const instanceStatusSchema = z.enum(INSTANCE_STATUSES);
export type InstanceStatus = z.infer<typeof instanceStatusSchema>;

const businessKey = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .nullish()
  .transform((value) => value ?? null);

/** `POST /api/instances`. */
export const startInstanceSchema = z.object({
  processKey: key,
  variables: variablesSchema.default({}),
  businessKey,
  /** The inbox's "New ticket": check the variables against the start event's form (required fields, types, a customer contact). */
  checkForm: z.boolean().default(false),
});
/** What a client sends (defaults may be left out). */
export type StartInstanceBody = z.input<typeof startInstanceSchema>;
export type StartInstanceRequest = z.infer<typeof startInstanceSchema>;
/** What the instance service starts: the request without the inbox's form check. */
export type StartInstance = Omit<StartInstanceRequest, 'checkForm'>;

/** The answer of `POST /api/instances` (201): the new ticket and the tasks it opened. */
export interface StartedInstance {
  id: string;
  ticketNumber: string;
  status: InstanceStatus;
  openTasks: { id: string; name: string; department: string | null; assignee: string | null }[];
  /** The customer's status page, when the process has one. */
  statusUrl: string | null;
}

export const cancelInstanceSchema = z.object({ reason: z.string().trim().min(1).max(2000).default('cancelled by API') });
export type CancelInstanceBody = z.input<typeof cancelInstanceSchema>;

/** Retrying an incident is an admin action: audited with its reason. */
export const retryIncidentSchema = z.object({ reason: z.string().trim().min(1).max(2000).default('retried by API') });
export type RetryIncidentBody = z.input<typeof retryIncidentSchema>;

/** `POST /api/messages`: correlate a message to the instances waiting for it, or start one. */
export const messageSchema = z.object({
  name: key,
  businessKey,
  variables: variablesSchema.default({}),
});
export type MessageBody = z.input<typeof messageSchema>;
export type CorrelateMessage = z.infer<typeof messageSchema>;

/** Instance list and the auditors' search: `process` is short for `processKey`; `to` is exclusive. */
export const instanceQuerySchema = z
  .object({
    status: instanceStatusSchema.optional(),
    processKey: key.optional(),
    process: key.optional(),
    ticket: z.string().trim().min(1).max(50).optional(),
    businessKey: key.optional(),
    from: instant.optional(),
    to: instant.optional(),
    person: key.optional(),
    /** The desk's search box: ticket number, customer email or phone, text of variables and notes. */
    q: z.string().trim().min(1, 'q is empty').max(200).optional(),
    /** `true`: only the tickets the caller or their departments touched (staff's "my tickets"). */
    mine: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => value === 'true'),
    limit,
    offset,
  })
  .refine((query) => !(query.process && query.processKey && query.process !== query.processKey), { message: 'process and processKey disagree' })
  .refine((query) => !(query.from && query.to && query.from >= query.to), { message: 'from must be before to' });
export type InstanceQuery = z.infer<typeof instanceQuerySchema>;
/**
 * The query as a page writes it (every field a string or number, all optional). The browser
 * builds the query string from it, so a field the server does not take is a compile error.
 */
export type InstanceSearch = QueryOf<typeof instanceQuerySchema>;

/**
 * A row of `GET /api/instances`: the instance without its engine state, audit head and variables.
 * The instance service builds it from the stored record, so a field missing here fails to compile.
 */
export interface InstanceSummary {
  id: string;
  definitionId: string;
  processKey: string;
  definitionVersion: number;
  /** Human-readable, unique, sequential per prefix: `HD-000123`. */
  ticketNumber: string;
  /** Caller's correlation key; unique per process key when given. */
  businessKey: string | null;
  status: InstanceStatus;
  /** Optimistic concurrency: every committed step increments it by one. */
  version: number;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
}

/** `:id` of an instance route. */
export const instanceParamsSchema = z.object({ id: key });
