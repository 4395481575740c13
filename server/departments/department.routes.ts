import { Router } from 'express';
import { z } from 'zod';

import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { DepartmentService } from './department.service.js';

const departmentId = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, _ and - (a candidate group names it)');
const newDepartment = z.object({
  id: departmentId,
  name: z.string().trim().min(1).max(200),
  parentId: departmentId.nullish().transform((value) => value ?? null),
});
const departmentPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    parentId: departmentId.nullable().optional(),
    /** The business calendar its task SLAs count in (issue 16); null for none. */
    calendarId: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .strict();

/** Everyone signed in reads the pyramid (hand-over needs it); administrators change it. */
export function departmentRoutes(departments: DepartmentService): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await departments.list());
  });

  router.get('/:id', async (req, res) => {
    res.json(await departments.get(req.params.id));
  });

  router.post('/', async (req, res) => {
    guard(req, 'admin');
    res.status(201).json(await departments.create(parseInput(newDepartment, req.body ?? {}, 'department')));
  });

  router.patch('/:id', async (req, res) => {
    guard(req, 'admin');
    res.json(await departments.update(req.params.id, parseInput(departmentPatch, req.body ?? {}, 'department change')));
  });

  return router;
}
