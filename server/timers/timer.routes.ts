import { Router } from 'express';

import { fireTimerSchema, rescheduleTimerSchema, timerQuerySchema } from '../contracts/timers.js';
import { actorOf } from '../http/principal.js';
import { guard, READERS } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { TimerService } from './timer.service.js';

export function timerRoutes(timers: TimerService): Router {
  const router = Router();

  router.get('/metrics', async (req, res) => {
    guard(req, ...READERS);
    res.json(await timers.metricsSnapshot());
  });

  router.get('/', async (req, res) => {
    guard(req, ...READERS);
    const { instance, dueBefore, limit } = parseInput(timerQuerySchema, req.query, 'timer query');
    res.json(await timers.list({ instanceId: instance, dueBefore, limit }));
  });

  router.post('/:id/fire', async (req, res) => {
    guard(req, 'admin');
    const { reason } = parseInput(fireTimerSchema, req.body ?? {}, 'fire request');
    await timers.fireNow(req.params.id, actorOf(req), reason);
    res.status(204).end();
  });

  router.post('/:id/reschedule', async (req, res) => {
    guard(req, 'admin');
    const { dueAt, reason } = parseInput(rescheduleTimerSchema, req.body ?? {}, 'reschedule request');
    res.json(await timers.reschedule(req.params.id, dueAt, reason, actorOf(req)));
  });

  return router;
}
