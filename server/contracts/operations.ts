import { z } from 'zod';

import { variablesSchema } from './common.js';

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
