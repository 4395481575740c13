import { Router } from 'express';
import { z } from 'zod';

import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import type { SlaPauseService } from './sla-pause.service.js';

const waitSchema = z.object({ reason: z.string().trim().min(1, 'say what the customer is asked for').max(2000) }).strict();
const resumeSchema = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict();

/** `POST /api/tasks/:id/wait-on-customer` and `…/resume`: the SLA clocks of the task's ticket stop and start. */
export function slaPauseRoutes(pauses: SlaPauseService): Router {
  const router = Router();

  router.post('/:id/wait-on-customer', async (req, res) => {
    const { reason } = parseInput(waitSchema, req.body ?? {}, 'waiting on customer');
    res.json(await pauses.waitOnCustomer(principalOf(req), req.params.id, reason));
  });

  router.post('/:id/resume', async (req, res) => {
    const { reason } = parseInput(resumeSchema, req.body ?? {}, 'resume');
    res.json(await pauses.resume(principalOf(req), req.params.id, reason ?? null));
  });

  return router;
}
