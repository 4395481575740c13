import { Router } from 'express';

import { departmentHeadSchema } from '../contracts/departments.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { Store } from '../stores/store.js';

/** Mounted at /api/departments before the department routes: who heads each department. */
export function departmentHeadRoutes(store: Pick<Store, 'departments' | 'departmentHeads' | 'users'>): Router {
  const router = Router();

  /** Everyone signed in reads the pyramid, heads included. */
  router.get('/heads', async (_req, res) => {
    res.json(await store.departmentHeads.all());
  });

  router.put('/:id/head', async (req, res) => {
    guard(req, 'admin');
    const { username } = parseInput(departmentHeadSchema, req.body ?? {}, 'department head');
    if (!(await store.departments.get(req.params.id))) throw new NotFoundError(`Department ${req.params.id} does not exist`);
    if (username !== null) {
      const user = await store.users.getByUsername(username);
      if (!user || user.disabled) throw new InvalidInputError(`No active user named ${username}`);
    }
    await store.departmentHeads.set(req.params.id, username);
    res.json({ departmentId: req.params.id, head: username });
  });

  return router;
}
