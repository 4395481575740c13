import { Router } from 'express';

import type { DepartmentStore } from './department.store.js';

/**
 * Read-only department list for the modeler's pickers (`GET /api/departments`): id, name and
 * parent. Managing departments is the admin API's job.
 */
export function departmentListRoutes(departments: DepartmentStore): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json((await departments.list()).map(({ id, name, parentId }) => ({ id, name, parentId })));
  });
  return router;
}
