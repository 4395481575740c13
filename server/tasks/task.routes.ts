import { Router } from 'express';

import { actorOf } from '../http/local-only.js';
import { completeTaskSchema, taskQuerySchema } from '../http/schemas.js';
import { parseInput } from '../http/validate.js';
import type { TaskService } from './task.service.js';

export function taskRoutes(tasks: TaskService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json(await tasks.list(parseInput(taskQuerySchema, req.query, 'task query')));
  });

  router.get('/:id', async (req, res) => {
    res.json(await tasks.get(req.params.id));
  });

  router.post('/:id/complete', async (req, res) => {
    const { variables } = parseInput(completeTaskSchema, req.body ?? {}, 'task completion');
    res.json(await tasks.complete(req.params.id, variables, actorOf(req)));
  });

  return router;
}
