import { Router } from 'express';
import { z } from 'zod';

import { actorOf } from '../http/principal.js';
import { guard, READERS } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { TimerService } from './timer.service.js';

const query = z.object({
  instance: z.string().trim().min(1).max(200).optional(),
  dueBefore: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** An admin action is audited with its reason; firing without one says so. */
const fire = z.object({ reason: z.string().trim().min(1).max(2000).default('fired by API') });

const reschedule = z.object({
  dueAt: z.coerce.date(),
  reason: z.string().trim().min(1, 'say why the timer moves').max(2000),
});

export function timerRoutes(timers: TimerService): Router {
  const router = Router();

  router.get('/metrics', async (req, res) => {
    guard(req, ...READERS);
    res.json(await timers.metricsSnapshot());
  });

  router.get('/', async (req, res) => {
    guard(req, ...READERS);
    const { instance, dueBefore, limit } = parseInput(query, req.query, 'timer query');
    res.json(await timers.list({ instanceId: instance, dueBefore, limit }));
  });

  router.post('/:id/fire', async (req, res) => {
    guard(req, 'admin');
    const { reason } = parseInput(fire, req.body ?? {}, 'fire request');
    await timers.fireNow(req.params.id, actorOf(req), reason);
    res.status(204).end();
  });

  router.post('/:id/reschedule', async (req, res) => {
    guard(req, 'admin');
    const { dueAt, reason } = parseInput(reschedule, req.body ?? {}, 'reschedule request');
    res.json(await timers.reschedule(req.params.id, dueAt, reason, actorOf(req)));
  });

  return router;
}
