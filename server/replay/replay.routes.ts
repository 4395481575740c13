import { Router } from 'express';
import { z } from 'zod';

import { guard, READERS } from '../http/roles.js';
import { instanceParamsSchema } from '../contracts/instances.js';
import { parseInput } from '../http/validate.js';
import type { ReplayService } from './replay.service.js';

const query = z.object({ step: z.coerce.number().int().min(0).optional() }).strict();

/** `GET /api/instances/:id/replay?step=n`: see server/contracts/replay.ts for the payload. */
export function replayRoutes(replay: ReplayService): Router {
  const router = Router();
  router.get('/:id/replay', async (req, res) => {
    guard(req, ...READERS);
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    const { step } = parseInput(query, req.query, 'replay query');
    res.json(await replay.replay(id, step));
  });
  return router;
}
