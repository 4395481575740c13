/** Request bodies of the external task API (Camunda 7's REST shape, JSON values instead of typed ones). */
import { z } from 'zod';

import { variablesSchema } from './common.js';

const workerId = z.string().trim().min(1).max(200);
/** Milliseconds; a lock of more than a day is a worker that forgot to extend it. */
const duration = z.number().int().min(1).max(86_400_000);

export const fetchAndLockSchema = z.object({
  workerId,
  maxTasks: z.number().int().min(1).max(100).default(10),
  topics: z
    .array(z.object({ topicName: z.string().trim().min(1).max(200), lockDuration: duration }))
    .min(1)
    .max(50),
  /** Long polling: wait up to this long (ms, at most 5 minutes) for a task when none is free. */
  asyncResponseTimeout: z.number().int().min(0).max(300_000).default(0),
});

export const completeExternalSchema = z.object({ workerId, variables: variablesSchema.default({}) });

export const failureSchema = z.object({
  workerId,
  errorMessage: z.string().trim().min(1).max(4000),
  /** Retries left after this failure; 0 raises an incident. */
  retries: z.number().int().min(0).max(1000),
  /** Not handed out again before this many ms. */
  retryTimeout: z.number().int().min(0).max(86_400_000).default(0),
});

export const bpmnErrorSchema = z.object({
  workerId,
  errorCode: z.string().trim().min(1).max(200),
  errorMessage: z.string().trim().max(4000).default(''),
  variables: variablesSchema.default({}),
});

export const extendLockSchema = z.object({ workerId, newDuration: duration });

export const externalQuerySchema = z.object({ topic: z.string().trim().min(1).max(200).optional() });

/** The bodies as a worker sends them. */
export type FetchAndLockBody = z.input<typeof fetchAndLockSchema>;
export type CompleteExternalBody = z.input<typeof completeExternalSchema>;
export type ExternalFailureBody = z.input<typeof failureSchema>;
export type ExternalBpmnErrorBody = z.input<typeof bpmnErrorSchema>;
export type ExtendLockBody = z.input<typeof extendLockSchema>;
