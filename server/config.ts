import path from 'node:path';

import { z } from 'zod';

import { defaultKeyFile, MIN_KEY_LENGTH, type AuditKeySettings } from './audit/audit-key.js';
import { passwordProblem } from './auth/passwords.js';
import { DEFAULT_RESIDENT, type ResidentEnginesOptions } from './engine/resident-engines.js';
import { InvalidInputError } from './errors.js';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy.js';

/** Defaults of the settings createBaton also falls back on when a caller (a test) leaves them out. */
export const DEFAULT_CHECKPOINT_MS = 300_000;
export const DEFAULT_SESSION_HOURS = 8;
export const DEFAULT_TOKEN_DAYS = 30;
export const DEFAULT_BCRYPT_COST = 12;
/** Invoices of field visits: labour rate per hour (a technician's own rate wins), tax, currency. */
export const DEFAULT_INVOICE: InvoiceConfig = { hourlyRate: 60, taxRate: 0.19, currency: 'EUR' };

export interface InvoiceConfig {
  hourlyRate: number;
  taxRate: number;
  currency: string;
}

const MB = 1024 * 1024;

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. Every API route needs a session or a bearer token. */
  HOST: z.string().min(1).default('0.0.0.0'),
  BATON_DATA_DIR: z.string().min(1).default('./data'),
  /** postgres://user:password@host:5432/db: the PostgreSQL store (several nodes); unset, the embedded SQLite store. */
  BATON_DATABASE_URL: z
    .string()
    .trim()
    .refine((value) => value === '' || isPostgresUrl(value), {
      // The value is not echoed back: it usually carries the database password.
      message: 'must be a postgres:// or postgresql:// URL, e.g. postgres://baton:password@db.example.org:5432/baton',
    })
    .optional(),
  /** The PostgreSQL schema Baton's tables live in (several Baton stores can share one database). */
  BATON_DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a plain lower-case SQL name, e.g. baton' })
    .default('public'),
  /** Connections each node keeps to PostgreSQL (docs/deploy.md: pool sizes). */
  BATON_DATABASE_POOL: z.coerce.number().int().min(2).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory whose .bpmn files are deployed at start (identical ones are not redeployed). */
  BATON_PROCESSES_DIR: z.string().min(1).default('./processes'),
  /** The poll for due timer jobs: the timer batches' and agenda's (process starts); jobs of this node are seen at once through notifications. */
  BATON_AGENDA_PROCESS_EVERY_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** How long a node holds a timer job before another node may take it over. */
  BATON_AGENDA_LOCK_LIFETIME_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** The safety sweep that fires any due timer the batches have not (a claim that failed, say). */
  BATON_TIMER_SWEEP_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  /** Engines of recently active instances kept in memory between steps (0: recover every step from the store). */
  BATON_RESIDENT_ENGINES: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_RESIDENT.maxEngines),
  /** …and the memory they may take, in MB (estimated per diagram). */
  BATON_RESIDENT_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(DEFAULT_RESIDENT.maxBytes / MB),
  BATON_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  BATON_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Absolute base URL customers reach Baton at: the links in confirmation emails and QR codes. */
  BATON_INVOICE_HOURLY_RATE: z.coerce.number().finite().min(0).default(DEFAULT_INVOICE.hourlyRate),
  BATON_INVOICE_TAX_RATE: z.coerce.number().finite().min(0).max(1).default(DEFAULT_INVOICE.taxRate),
  BATON_INVOICE_CURRENCY: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .default(DEFAULT_INVOICE.currency),
  BATON_TRUST_PROXY: z
    .string()
    .optional()
    .refine((value) => parseTrustProxy(value) !== null, {
      message: 'must be the number of proxies in front (1), or their addresses or subnets, comma-separated (loopback, 10.0.0.0/8)',
    }),
  BATON_PUBLIC_URL: z
    .string()
    .trim()
    .url()
    .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
    .optional(),
  /** Where queued emails go; unset (or empty), they stay queued in the outbox. */
  BATON_SMTP_URL: z
    .string()
    .trim()
    .refine((value) => value === '' || isSmtpUrl(value), {
      // The value is not echoed back: it usually carries the SMTP password.
      message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587',
    })
    .optional(),
  /** The secret that signs audit checkpoints (at least 32 characters); wins over the key file. */
  BATON_AUDIT_KEY: z
    .string()
    .min(MIN_KEY_LENGTH, { message: `must be at least ${MIN_KEY_LENGTH} characters` })
    .optional(),
  /** File holding the audit key; default `<data dir>-keys/audit.key`, generated when missing. */
  BATON_AUDIT_KEY_FILE: z.string().min(1).optional(),
  /** The newest checkpoint's id and signature, kept outside the database; default beside the key file. */
  BATON_AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  /** An external witness: every checkpoint head and audit alarm is POSTed there as JSON. */
  BATON_AUDIT_WITNESS_URL: z
    .string()
    .url()
    .refine((url) => /^https?:/.test(url), 'must be an http(s) URL')
    .optional(),
  /** An external witness by email (needs BATON_SMTP_URL): every checkpoint head and audit alarm. */
  BATON_AUDIT_WITNESS_EMAIL: z.string().email().optional(),
  /** How often the chain heads are sealed in a signed checkpoint (and once more on shutdown). */
  BATON_AUDIT_CHECKPOINT_MS: z.coerce.number().int().min(1000).max(86_400_000).default(DEFAULT_CHECKPOINT_MS),
  /** How long a browser session lasts, and a bearer token. */
  BATON_SESSION_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(DEFAULT_SESSION_HOURS),
  BATON_TOKEN_DAYS: z.coerce.number().min(0.01).max(365).default(DEFAULT_TOKEN_DAYS),
  /** bcrypt cost; each +1 doubles the work of a sign-in. */
  BATON_BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(DEFAULT_BCRYPT_COST),
  /** `off`: no demo organisation on first start (create an admin with `npm run admin -- create <name>`). */
  BATON_DEMO: z.enum(['on', 'off']).default('on'),
  /** Four-eyes: move, migrate, cancel and variable edits wait for a second administrator. */
  BATON_FOUR_EYES: z.enum(['on', 'off']).default('off'),
  /** Password of every demo user; generated and printed at start when unset. */
  BATON_DEMO_PASSWORD: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value : undefined))
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : passwordProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  BATON_MAIL_FROM: z
    .string()
    .trim()
    .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, { message: 'must be an address like baton@example.org or Baton <baton@example.org>' })
    .default('Baton <baton@localhost>'),
});

function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
}

function isSmtpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** The SQLite file in the data directory (used when `database` is SQLite). */
  databaseFile: string;
  /** Which store this node opens (server/stores/open-store.ts). */
  database: DatabaseConfig;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  processesDir: string;
  timerPollMs: number;
  agenda: { processEveryMs: number; lockLifetimeMs: number; retryMs: number };
  webhook: { timeoutMs: number; attempts: number; backoffMs: number };
  /** The bound of the resident engine cache (server/engine/resident-engines.ts). */
  residentEngines: ResidentEnginesOptions;
  /** Null when no SMTP server is configured. */
  smtp: { url: string; from: string } | null;
  audit: AuditKeySettings & {
    checkpointMs: number;
    /** BATON_AUDIT_ANCHOR_FILE, default beside the key file: the newest checkpoint, outside the database. */
    anchorFile: string;
    /** BATON_AUDIT_WITNESS_URL: where checkpoint heads and alarms are posted; null: no witness. */
    witnessUrl: string | null;
    /** BATON_AUDIT_WITNESS_EMAIL: where checkpoint heads and alarms are mailed; null: nowhere. */
    witnessEmail: string | null;
  };
  auth: AuthConfig;
  demo: { enabled: boolean; password: string | null };
  /** BATON_FOUR_EYES=on: interventions are requests a second admin approves. */
  fourEyes: boolean;
  /** BATON_PUBLIC_URL without a trailing slash, default http://localhost:<port>. */
  publicUrl: string;
  invoice: InvoiceConfig;
  /** BATON_TRUST_PROXY: the reverse proxies trusted for the client address and https (false: none). */
  trustProxy: TrustProxy;
}

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number; schema?: string };

export interface AuthConfig {
  sessionTtlMs: number;
  tokenTtlMs: number;
  passwordCost: number;
  /** Sign-ins one client address may have under way at once (default 8). */
  maxPendingPerAddress?: number;
}

/** The auth settings from hours, days and a cost, as the environment gives them. */
function authConfig(sessionHours: number, tokenDays: number, passwordCost: number): AuthConfig {
  return { sessionTtlMs: sessionHours * 3_600_000, tokenTtlMs: tokenDays * 86_400_000, passwordCost };
}

/** The auth settings of an empty environment. */
export const DEFAULT_AUTH: AuthConfig = authConfig(DEFAULT_SESSION_HOURS, DEFAULT_TOKEN_DAYS, DEFAULT_BCRYPT_COST);

/** Reads configuration from the environment; a bad value stops start-up with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ elementId: null, message: `${issue.path.join('.')}: ${issue.message}` }));
    throw new InvalidInputError(`Invalid configuration: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  }
  const value = parsed.data;
  const dataDir = path.resolve(value.BATON_DATA_DIR);
  const keyFile = value.BATON_AUDIT_KEY_FILE ? path.resolve(value.BATON_AUDIT_KEY_FILE) : defaultKeyFile(dataDir);
  return {
    port: value.PORT,
    host: value.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'baton.db'),
    database: value.BATON_DATABASE_URL
      ? { kind: 'postgres', url: value.BATON_DATABASE_URL, poolSize: value.BATON_DATABASE_POOL, schema: value.BATON_DATABASE_SCHEMA }
      : { kind: 'sqlite', file: path.join(dataDir, 'baton.db') },
    logLevel: value.LOG_LEVEL,
    processesDir: path.resolve(value.BATON_PROCESSES_DIR),
    timerPollMs: value.BATON_TIMER_SWEEP_MS,
    agenda: { processEveryMs: value.BATON_AGENDA_PROCESS_EVERY_MS, lockLifetimeMs: value.BATON_AGENDA_LOCK_LIFETIME_MS, retryMs: 30_000 },
    residentEngines: { maxEngines: value.BATON_RESIDENT_ENGINES, maxBytes: value.BATON_RESIDENT_MB * MB },
    webhook: { timeoutMs: value.BATON_WEBHOOK_TIMEOUT_MS, attempts: value.BATON_WEBHOOK_ATTEMPTS, backoffMs: 500 },
    smtp: value.BATON_SMTP_URL ? { url: value.BATON_SMTP_URL, from: value.BATON_MAIL_FROM } : null,
    audit: {
      key: value.BATON_AUDIT_KEY ?? null,
      keyFile,
      keyFileGiven: value.BATON_AUDIT_KEY_FILE !== undefined,
      anchorFile: value.BATON_AUDIT_ANCHOR_FILE ? path.resolve(value.BATON_AUDIT_ANCHOR_FILE) : path.join(path.dirname(keyFile), 'audit-anchor.json'),
      dataDir,
      checkpointMs: value.BATON_AUDIT_CHECKPOINT_MS,
      witnessUrl: value.BATON_AUDIT_WITNESS_URL ?? null,
      witnessEmail: value.BATON_AUDIT_WITNESS_EMAIL ?? null,
    },
    auth: authConfig(value.BATON_SESSION_HOURS, value.BATON_TOKEN_DAYS, value.BATON_BCRYPT_COST),
    demo: { enabled: value.BATON_DEMO === 'on', password: value.BATON_DEMO_PASSWORD ?? null },
    fourEyes: value.BATON_FOUR_EYES === 'on',
    publicUrl: (value.BATON_PUBLIC_URL ?? `http://localhost:${value.PORT}`).replace(/\/+$/, ''),
    invoice: { hourlyRate: value.BATON_INVOICE_HOURLY_RATE, taxRate: value.BATON_INVOICE_TAX_RATE, currency: value.BATON_INVOICE_CURRENCY },
    trustProxy: parseTrustProxy(value.BATON_TRUST_PROXY) ?? false,
  };
}
