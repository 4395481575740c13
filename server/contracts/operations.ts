/** Wire contracts of the operations routes (issue 18): interventions, migrations, incidents, approvals, the operators' search. */
import { z } from 'zod';

import { variablesSchema } from './common.js';
import { instanceStatusSchema, type InstanceStatus } from './instances.js';

const reason = z.string({ error: 'a reason is required' }).trim().min(1, 'a reason is required').max(2000);
const elementId = z.string().trim().min(1).max(200);

export const editVariablesSchema = z
  .object({
    set: variablesSchema.default({}),
    remove: z.array(z.string().min(1).max(200)).max(200).default([]),
    reason,
    version: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body.set).length > 0 || body.remove.length > 0, { message: 'set or remove at least one variable' });

export const moveSchema = z.object({ from: elementId, to: elementId, reason, dryRun: z.boolean().default(false), version: z.number().int().min(0).optional() }).strict();

export const restartSchema = z.object({ from: elementId, reason, dryRun: z.boolean().default(false) }).strict();

export const migrationSchema = z
  .object({
    processKey: z.string().trim().min(1).max(200),
    fromVersion: z.number().int().min(1),
    toVersion: z.number().int().min(1),
    mapping: z.record(elementId, elementId).default({}),
    instanceIds: z.array(z.string().min(1).max(100)).max(10_000).optional(),
    dryRun: z.boolean().default(false),
    reason,
    batchSize: z.number().int().min(1).max(1000).default(100),
  })
  .strict()
  .refine((body) => body.fromVersion !== body.toVersion, { message: 'fromVersion and toVersion are the same' });

export const incidentRetrySchema = z
  .object({
    incidentIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
    cause: z.string().min(1).max(2000).optional(),
    reason,
  })
  .strict()
  .refine((body) => (body.incidentIds === undefined) !== (body.cause === undefined), { message: 'give either incidentIds or cause' });

export type EditVariables = z.infer<typeof editVariablesSchema>;
export type MoveRequest = z.infer<typeof moveSchema>;
export type RestartRequest = z.infer<typeof restartSchema>;
export type MigrationRequest = z.infer<typeof migrationSchema>;
export type IncidentRetryRequest = z.infer<typeof incidentRetrySchema>;

/** `POST /api/timers/:id/cancel` on the operations side: a reason is required. */
export const timerCancelSchema = z.object({ reason }).strict();
export type TimerCancelBody = z.input<typeof timerCancelSchema>;

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
/** `GET /api/approvals`. */
export const approvalQuerySchema = z.object({ status: z.enum(APPROVAL_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
/** `POST /api/approvals/:id/reject`: an optional note to the requester. */
export const rejectionSchema = z.object({ note: z.string().trim().max(2000).optional() }).strict();
export type RejectionBody = z.input<typeof rejectionSchema>;

/** What a client sends. */
export type EditVariablesBody = z.input<typeof editVariablesSchema>;
export type MoveBody = z.input<typeof moveSchema>;
export type RestartBody = z.input<typeof restartSchema>;
export type MigrationBody = z.input<typeof migrationSchema>;
export type IncidentRetryBody = z.input<typeof incidentRetrySchema>;

/** `GET /api/operations/instances`: the operators' filters. */
export const operationsInstanceQuery = z.object({
  process: z.string().trim().min(1).max(200).optional(),
  version: z.coerce.number().int().min(1).optional(),
  status: instanceStatusSchema.optional(),
  incident: z.enum(['yes', 'no']).optional(),
  department: z.string().trim().min(1).max(100).optional(),
  /** Started at least this many hours ago. */
  olderThanHours: z.coerce
    .number()
    .min(0)
    .max(24 * 3650)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /api/operations/tokens`: where the tokens of a process version are. */
export const tokenQuery = z.object({ process: z.string().trim().min(1).max(200), version: z.coerce.number().int().min(1) });

export type OperationsInstanceQuery = z.infer<typeof operationsInstanceQuery>;

/** A row of `GET /api/operations/instances`. */
export interface OperationsRow {
  id: string;
  ticketNumber: string;
  processKey: string;
  definitionVersion: number;
  status: InstanceStatus;
  startedAt: string;
  version: number;
  openIncidents: number;
  /** Departments of its open tasks. */
  departments: string[];
  /** Activities holding a token. */
  at: string[];
}
