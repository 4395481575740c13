import { Router } from 'express';

import { resumeSlaSchema, waitOnCustomerSchema } from '../contracts/tasks.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import type { SlaPauseService } from './sla-pause.service.js';

/** `POST /api/tasks/:id/wait-on-customer` and `…/resume`: the SLA clocks of the task's ticket stop and start. */
export function slaPauseRoutes(pauses: SlaPauseService): Router {
  const router = Router();

  router.post('/:id/wait-on-customer', async (req, res) => {
    const { reason } = parseInput(waitOnCustomerSchema, req.body ?? {}, 'waiting on customer');
    res.json(await pauses.waitOnCustomer(principalOf(req), req.params.id, reason));
  });

  router.post('/:id/resume', async (req, res) => {
    const { reason } = parseInput(resumeSlaSchema, req.body ?? {}, 'resume');
    res.json(await pauses.resume(principalOf(req), req.params.id, reason ?? null));
  });

  return router;
}
