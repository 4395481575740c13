import { Router } from 'express';
import { z } from 'zod';

import { passwordProblem } from '../auth/passwords.js';
import { actorOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import { ROLES } from './user.js';
import type { UserService } from './user.service.js';

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
});

const userPatch = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    password: password.optional(),
    role: z.enum(ROLES).optional(),
    departments: z.array(id).max(100).optional(),
    skills: tags.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

/** Administrators only, every route. */
export function userRoutes(users: UserService): Router {
  const router = Router();
  router.use((req, _res, next) => {
    guard(req, 'admin');
    next();
  });

  router.get('/', async (_req, res) => {
    res.json(await users.list());
  });

  router.get('/:id', async (req, res) => {
    res.json(await users.get(req.params.id));
  });

  router.post('/', async (req, res) => {
    res.status(201).json(await users.create(parseInput(newUser, req.body ?? {}, 'user')));
  });

  router.patch('/:id', async (req, res) => {
    res.json(await users.update(req.params.id, parseInput(userPatch, req.body ?? {}, 'user change'), actorOf(req)));
  });

  /** Password reset by an admin: the user is signed out everywhere. */
  router.post('/:id/password', async (req, res) => {
    const { password: next } = parseInput(z.object({ password }).strict(), req.body ?? {}, 'password reset');
    await users.update(req.params.id, { password: next }, actorOf(req));
    res.status(204).end();
  });

  router.get('/:id/tokens', async (req, res) => {
    res.json(await users.tokens(req.params.id));
  });

  router.post('/:id/tokens', async (req, res) => {
    const { expiresAt } = parseInput(z.object({ expiresAt: z.iso.datetime({ offset: true }) }).strict(), req.body ?? {}, 'token');
    res.status(201).json(await users.issueToken(req.params.id, new Date(expiresAt)));
  });

  router.delete('/:id/tokens/:tokenId', async (req, res) => {
    await users.revokeToken(req.params.id, req.params.tokenId);
    res.status(204).end();
  });

  return router;
}
