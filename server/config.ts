import path from 'node:path';

import { z } from 'zod';

import { InvalidInputError } from './errors.js';

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. The API answers loopback callers only until sign-in arrives. */
  HOST: z.string().min(1).default('0.0.0.0'),
  BATON_DATA_DIR: z.string().min(1).default('./data'),
  /** Reserved for the MongoDB production store. */
  MONGODB_URI: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory whose .bpmn files are deployed at start (identical ones are not redeployed). */
  BATON_PROCESSES_DIR: z.string().min(1).default('./processes'),
  BATON_TIMER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  BATON_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  BATON_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  mongodbUri: string | null;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  processesDir: string;
  timerPollMs: number;
  webhook: { timeoutMs: number; attempts: number; backoffMs: number };
}

/** Reads configuration from the environment; a bad value stops start-up with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ elementId: null, message: `${issue.path.join('.')}: ${issue.message}` }));
    throw new InvalidInputError(`Invalid configuration: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  }
  const value = parsed.data;
  const dataDir = path.resolve(value.BATON_DATA_DIR);
  return {
    port: value.PORT,
    host: value.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'baton.db'),
    mongodbUri: value.MONGODB_URI?.trim() || null,
    logLevel: value.LOG_LEVEL,
    processesDir: path.resolve(value.BATON_PROCESSES_DIR),
    timerPollMs: value.BATON_TIMER_POLL_MS,
    webhook: { timeoutMs: value.BATON_WEBHOOK_TIMEOUT_MS, attempts: value.BATON_WEBHOOK_ATTEMPTS, backoffMs: 500 },
  };
}
