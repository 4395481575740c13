import { Router } from 'express';

import { departmentPatchSchema, newDepartmentSchema } from '../contracts/departments.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { DepartmentService } from './department.service.js';

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
    res.status(201).json(await departments.create(parseInput(newDepartmentSchema, req.body ?? {}, 'department')));
  });

  router.patch('/:id', async (req, res) => {
    guard(req, 'admin');
    res.json(await departments.update(req.params.id, parseInput(departmentPatchSchema, req.body ?? {}, 'department change')));
  });

  return router;
}
