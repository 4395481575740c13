/** Wire contracts of `/api/users` (administrators): roles, the password rule, new users, changes, API tokens. */
import { z } from 'zod';

import type { Department } from './departments.js';
import { placeSchema } from './field.js';

/** What a person may do in Baton; one role per user keeps every access rule a single lookup. */
export const ROLES = ['admin', 'process-owner', 'staff', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** bcrypt reads at most 72 bytes; longer passwords would silently share a hash with their prefix. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 10;

/** Whether bcrypt would cut the password short (it reads at most MAX_PASSWORD_BYTES); UTF-8 bytes, as bcrypt reads them. */
export function passwordTooLong(password: string): boolean {
  return new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES;
}

/** The one rule for a new password: what is wrong with it, or null when it will do. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (passwordTooLong(password)) return `at most ${MAX_PASSWORD_BYTES} bytes`;
  return null;
}

/** A new password, checked against the one rule. */
export const newPasswordSchema = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What field service keeps of a person beside their account (technicians: home base, daily limit, rate). */
const technicianFields = {
  name: z.string().trim().min(1).max(200).optional(),
  home: placeSchema.nullable().optional(),
  maxJobsPerDay: z.number().int().min(0).max(100).optional(),
  hourlyRate: z.number().finite().min(0).max(1e6).nullable().optional(),
};
type TechnicianField = keyof typeof technicianFields;

const id = z.string().trim().min(1).max(100);
const tags = z.array(z.string().trim().min(1).max(100)).max(100);

/** `POST /api/users`. `name` is short for `displayName`. */
export const newUserSchema = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
  displayName: z.string().trim().min(1).max(200).optional(),
  password: newPasswordSchema,
  role: z.enum(ROLES),
  departments: z.array(id).max(100).default([]),
  skills: tags.default([]),
  ...technicianFields,
});
export type NewUserBody = z.input<typeof newUserSchema>;
/** What the user service creates: the account, without the field profile. */
export type NewUser = Omit<z.infer<typeof newUserSchema>, TechnicianField>;

/** `PATCH /api/users/:id`: any of the account's fields and the field profile. */
export const userPatchSchema = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    password: newPasswordSchema.optional(),
    role: z.enum(ROLES).optional(),
    departments: z.array(id).max(100).optional(),
    skills: tags.optional(),
    disabled: z.boolean().optional(),
    ...technicianFields,
  })
  .strict();
export type UserPatchBody = z.input<typeof userPatchSchema>;
/** What the user service changes: the account, without the field profile. */
export type UserPatch = Omit<z.infer<typeof userPatchSchema>, TechnicianField>;

/** `POST /api/users/:id/password`: an admin's reset. */
export const passwordResetSchema = z.object({ password: newPasswordSchema }).strict();
export type PasswordResetBody = z.input<typeof passwordResetSchema>;

/** `POST /api/users/:id/tokens`: a bearer token that expires then. */
export const tokenRequestSchema = z.object({ expiresAt: z.iso.datetime({ offset: true }) }).strict();
export type TokenRequestBody = z.input<typeof tokenRequestSchema>;

/** A token in `GET /api/users/:id/tokens` (never its secret). */
export interface TokenRow {
  id: string;
  kind: 'session' | 'token';
  userId: string;
  createdAt: string;
  expiresAt: string;
}

/** The answer of `POST /api/users/:id/tokens`: the secret, shown this once. */
export interface IssuedToken {
  token: string;
  id: string;
  expiresAt: string;
}

/** `GET /api/directory`: whom a task can be handed to (enabled people who work tasks; no personal data). */
export interface Directory {
  departments: Department[];
  people: { username: string; role: Role; departments: string[] }[];
}
