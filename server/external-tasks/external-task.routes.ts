import { Router } from 'express';

import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import { bpmnErrorSchema, completeExternalSchema, extendLockSchema, externalQuerySchema, failureSchema, fetchAndLockSchema } from '../contracts/external-tasks.js';
import type { ExternalTaskService } from './external-task.service.js';

/**
 * Workers are programs with a bearer token of a process owner or an admin (the people who wire
 * processes to systems); staff and auditors get 403.
 */
const WORKER_ROLES = ['admin', 'process-owner'] as const;

export function externalTaskRoutes(service: ExternalTaskService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    guard(req, 'admin', 'process-owner', 'auditor');
    const { topic } = parseInput(externalQuerySchema, req.query, 'external task query');
    res.json(await service.listOpen(topic));
  });

  router.post('/fetch-and-lock', async (req, res) => {
    guard(req, ...WORKER_ROLES);
    const request = parseInput(fetchAndLockSchema, req.body ?? {}, 'fetch and lock');
    let gone = false;
    res.on('close', () => {
      gone = true;
    });
    res.json(await service.fetchAndLock(request, () => gone));
  });

  router.post('/:id/complete', async (req, res) => {
    guard(req, ...WORKER_ROLES);
    const { workerId, variables } = parseInput(completeExternalSchema, req.body ?? {}, 'external task completion');
    await service.complete(req.params.id, workerId, variables);
    res.status(204).end();
  });

  router.post('/:id/failure', async (req, res) => {
    guard(req, ...WORKER_ROLES);
    const { workerId, errorMessage, retries, retryTimeout } = parseInput(failureSchema, req.body ?? {}, 'external task failure');
    await service.failure(req.params.id, workerId, errorMessage, retries, retryTimeout);
    res.status(204).end();
  });

  router.post('/:id/bpmn-error', async (req, res) => {
    guard(req, ...WORKER_ROLES);
    const { workerId, errorCode, errorMessage, variables } = parseInput(bpmnErrorSchema, req.body ?? {}, 'BPMN error');
    await service.bpmnError(req.params.id, workerId, errorCode, errorMessage, variables);
    res.status(204).end();
  });

  router.post('/:id/extend-lock', async (req, res) => {
    guard(req, ...WORKER_ROLES);
    const { workerId, newDuration } = parseInput(extendLockSchema, req.body ?? {}, 'extend lock');
    res.json(await service.extendLock(req.params.id, workerId, newDuration));
  });

  return router;
}
