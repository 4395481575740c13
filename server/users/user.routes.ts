import { Router } from 'express';

import type { Place } from '../contracts/field.js';
import { newUserSchema, passwordResetSchema, tokenRequestSchema, userPatchSchema } from '../contracts/users.js';
import { actorOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { FieldService } from '../field/field.service.js';
import type { UserView } from './user.js';
import type { UserService } from './user.service.js';

/** Administrators only, every route. Users carry `name` (their display name) and their field profile. */
export function userRoutes(users: UserService, field: FieldService): Router {
  const withProfile = async (user: UserView) => {
    const profile = await field.profile(user.username);
    return { ...user, name: user.displayName, home: profile?.home ?? null, maxJobsPerDay: profile?.maxJobsPerDay ?? null, hourlyRate: profile?.hourlyRate ?? null };
  };
  const saveProfile = async (username: string, input: { home?: Place | null; maxJobsPerDay?: number; hourlyRate?: number | null }) => {
    if (input.home !== undefined || input.maxJobsPerDay !== undefined || input.hourlyRate !== undefined) {
      await field.setProfile(username, {
        ...(input.home !== undefined ? { home: input.home } : {}),
        ...(input.maxJobsPerDay !== undefined ? { maxJobsPerDay: input.maxJobsPerDay } : {}),
        ...(input.hourlyRate !== undefined ? { hourlyRate: input.hourlyRate } : {}),
      });
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
    const { name, home, maxJobsPerDay, hourlyRate, ...input } = parseInput(newUserSchema, req.body ?? {}, 'user');
    const user = await users.create({ ...input, ...(name !== undefined && input.displayName === undefined ? { displayName: name } : {}) });
    await saveProfile(user.username, { home, maxJobsPerDay, hourlyRate });
    res.status(201).json(await withProfile(user));
  });

  router.patch('/:id', async (req, res) => {
    const { name, home, maxJobsPerDay, hourlyRate, ...patch } = parseInput(userPatchSchema, req.body ?? {}, 'user change');
    const user = await users.update(req.params.id, { ...patch, ...(name !== undefined && patch.displayName === undefined ? { displayName: name } : {}) }, actorOf(req));
    await saveProfile(user.username, { home, maxJobsPerDay, hourlyRate });
    res.json(await withProfile(user));
  });

  /** Password reset by an admin: the user is signed out everywhere. */
  router.post('/:id/password', async (req, res) => {
    const { password: next } = parseInput(passwordResetSchema, req.body ?? {}, 'password reset');
    await users.update(req.params.id, { password: next }, actorOf(req));
    res.status(204).end();
  });

  router.get('/:id/tokens', async (req, res) => {
    res.json(await users.tokens(req.params.id));
  });

  router.post('/:id/tokens', async (req, res) => {
    const { expiresAt } = parseInput(tokenRequestSchema, req.body ?? {}, 'token');
    res.status(201).json(await users.issueToken(req.params.id, new Date(expiresAt)));
  });

  router.delete('/:id/tokens/:tokenId', async (req, res) => {
    await users.revokeToken(req.params.id, req.params.tokenId);
    res.status(204).end();
  });

  return router;
}
