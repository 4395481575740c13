/** Wire contracts of `/api/auth`: signing in (browser session or bearer token) and changing one's own password. */
import { z } from 'zod';

import { MAX_PASSWORD_BYTES, newPasswordSchema, passwordTooLong } from './users.js';

/** `POST /api/auth/login` and `/api/auth/token`. */
export const signInSchema = z.object({
  username: z.string().trim().min(1).max(100),
  // Sign-in checks only what bcrypt can read: the minimum length is for new passwords.
  password: z
    .string()
    .min(1)
    .refine((value) => !passwordTooLong(value), `at most ${MAX_PASSWORD_BYTES} bytes`),
});
export type SignInBody = z.input<typeof signInSchema>;

/** `POST /api/auth/password`: the current password is required; the new one follows the one rule. */
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1).max(MAX_PASSWORD_BYTES),
    newPassword: newPasswordSchema,
  })
  .strict();
export type PasswordChangeBody = z.input<typeof passwordChangeSchema>;
