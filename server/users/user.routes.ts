import { Router } from 'express';
import { z } from 'zod';

import { passwordProblem } from '../auth/passwords.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { FieldService } from '../field/field.service.js';
import { placeSchema } from '../field/field.routes.js';
import { ROLES, type UserView } from './user.js';
import type { UserService } from './user.service.js';

/** What field service keeps of a person beside their account (technicians: home base, daily limit, rate). */
const technicianFields = {
  name: z.string().trim().min(1).max(200).optional(),
  home: placeSchema.nullable().optional(),
  maxJobsPerDay: z.number().int().min(0).max(100).optional(),
  hourlyRate: z.number().finite().min(0).max(1e6).nullable().optional(),
};

const password = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const id = z.string().trim().min(1).max(100);
const tags = z.array(z.string().trim().min(1).max(100)).max(100);

const newUser = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
  displayName: z.string().trim().min(1).max(200).optional(),
  password,
  role: z.enum(ROLES),
  departments: z.array(id).max(100).default([]),
  skills: tags.default([]),
  ...technicianFields,
});

const userPatch = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    password: password.optional(),
    role: z.enum(ROLES).optional(),
    departments: z.array(id).max(100).optional(),
    skills: tags.optional(),
    disabled: z.boolean().optional(),
    ...technicianFields,
  })
  .strict();

/** Administrators only, every route. Users carry `name` (their display name) and their field profile. */
export function userRoutes(users: UserService, field: FieldService): Router {
  const withProfile = async (user: UserView) => {
    const profile = await field.profile(user.username);
    return { ...user, name: user.displayName, home: profile?.home ?? null, maxJobsPerDay: profile?.maxJobsPerDay ?? null, hourlyRate: profile?.hourlyRate ?? null };
  };
  const saveProfile = async (username: string, input: { home?: z.infer<typeof placeSchema> | null; maxJobsPerDay?: number; hourlyRate?: number | null }) => {
    if (input.home !== undefined || input.maxJobsPerDay !== undefined || input.hourlyRate !== undefined) {
      await field.setProfile(username, { ...(input.home !== undefined ? { home: input.home } : {}), ...(input.maxJobsPerDay !== undefined ? { maxJobsPerDay: input.maxJobsPerDay } : {}), ...(input.hourlyRate !== undefined ? { hourlyRate: input.hourlyRate } : {}) });
    }
  };
  const router = Router();
  router.use((req, _res, next) => {
    guard(req, 'admin');
    next();
  });

  router.get('/', async (_req, res) => {
    res.json(await users.list());
  });

  router.get('/:id', async (req, res) => {
    res.json(await withProfile(await users.get(req.params.id)));
  });

  router.post('/', async (req, res) => {
    const { name, home, maxJobsPerDay, hourlyRate, ...input } = parseInput(newUser, req.body ?? {}, 'user');
    const user = await users.create({ ...input, ...(name !== undefined && input.displayName === undefined ? { displayName: name } : {}) });
    await saveProfile(user.username, { home, maxJobsPerDay, hourlyRate });
    res.status(201).json(await withProfile(user));
  });

  router.patch('/:id', async (req, res) => {
    const { name, home, maxJobsPerDay, hourlyRate, ...patch } = parseInput(userPatch, req.body ?? {}, 'user change');
    const user = await users.update(req.params.id, { ...patch, ...(name !== undefined && patch.displayName === undefined ? { displayName: name } : {}) });
    await saveProfile(user.username, { home, maxJobsPerDay, hourlyRate });
    res.json(await withProfile(user));
  });

  return router;
}
