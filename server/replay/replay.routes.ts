import { Router } from 'express';

import { guard, READERS } from '../http/roles.js';
import { instanceParamsSchema } from '../contracts/instances.js';
import { replayQuerySchema } from '../contracts/replay.js';
import { parseInput } from '../http/validate.js';
import type { ReplayService } from './replay.service.js';

/** `GET /api/instances/:id/replay?step=n`: see server/contracts/replay.ts for the payload. */
export function replayRoutes(replay: ReplayService): Router {
  const router = Router();
  router.get('/:id/replay', async (req, res) => {
    guard(req, ...READERS);
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    const { step } = parseInput(replayQuerySchema, req.query, 'replay query');
    res.json(await replay.replay(id, step));
  });
  return router;
}
