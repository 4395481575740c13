import { Router, type Request, type Response } from 'express';

import { principalOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import { cancelInstanceSchema } from '../contracts/instances.js';
import type { InstanceService } from '../instances/instance.service.js';
import type { ApprovalKind } from './approval.js';
import type { FourEyes } from './four-eyes.js';
import type { OperationsQuery } from './operations-query.js';
import {
  approvalQuerySchema,
  editVariablesSchema,
  incidentRetrySchema,
  migrationSchema,
  moveSchema,
  operationsInstanceQuery,
  rejectionSchema,
  restartSchema,
  timerCancelSchema,
  tokenQuery,
} from '../contracts/operations.js';
import type { OperationsService } from './operations.service.js';

/** Who reaches an intervention route at all; process owners are then checked against the process (operations.service.ts). */
const OPERATORS = ['admin', 'process-owner'] as const;

/** Mounted at /api/instances beside the instance routes. */
export function interventionRoutes(operations: OperationsService, instances: InstanceService, fourEyes: FourEyes): Router {
  const router = Router();

  /** With four-eyes a change becomes a request: 202 with it, nothing applied yet. */
  async function held(req: Request, res: Response, kind: ApprovalKind, body: Record<string, unknown> & { reason: string; dryRun?: boolean }): Promise<boolean> {
    if (!fourEyes.enabled || body.dryRun) return false;
    const instanceId = typeof req.params['id'] === 'string' ? req.params['id'] : null;
    res.status(202).json({ approval: await fourEyes.request(principalOf(req), kind, instanceId, body) });
    return true;
  }

  // The cancel route itself is in instance.routes.ts; with four-eyes it is held here first.
  router.post('/:id/cancel', async (req, res, next) => {
    if (!fourEyes.enabled) return next();
    guard(req, 'admin');
    const body = parseInput(cancelInstanceSchema, req.body ?? {}, 'cancel request');
    await held(req, res, 'cancel', body);
  });

  router.patch('/:id/variables', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(editVariablesSchema, req.body ?? {}, 'variable edit');
    if (await held(req, res, 'variables', body)) return;
    await operations.editVariables(principalOf(req), req.params.id, body);
    res.json(await instances.get(req.params.id));
  });

  router.post('/:id/move', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(moveSchema, req.body ?? {}, 'move');
    if (await held(req, res, 'move', body)) return;
    const { preview, instance } = await operations.move(principalOf(req), req.params.id, body);
    res.json({ dryRun: body.dryRun, preview, instance: instance ? await instances.get(instance.id) : null });
  });

  router.post('/:id/restart', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(restartSchema, req.body ?? {}, 'restart');
    const { preview, instance } = await operations.restart(principalOf(req), req.params.id, body);
    res.json({ dryRun: body.dryRun, preview, instance: instance ? await instances.get(instance.id) : null });
  });

  return router;
}

/** Mounted at /api/timers beside the timer routes: cancelling a boundary timer. */
export function timerCancelRoutes(operations: OperationsService): Router {
  const router = Router();
  router.post('/:id/cancel', async (req, res) => {
    guard(req, ...OPERATORS);
    const { reason } = parseInput(timerCancelSchema, req.body ?? {}, 'timer cancel');
    res.json({ preview: await operations.cancelTimer(principalOf(req), req.params.id, reason) });
  });
  return router;
}

/** Mounted at /api/incidents. */
export function incidentRoutes(operations: OperationsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    guard(req, ...OPERATORS);
    res.json(await operations.incidents(principalOf(req)));
  });
  router.post('/retry', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(incidentRetrySchema, req.body ?? {}, 'incident retry');
    res.json({ results: await operations.retry(principalOf(req), body) });
  });
  return router;
}

/** Mounted at /api/operations: the operations page's reads. */
export function operationsReadRoutes(query: OperationsQuery): Router {
  const router = Router();
  router.get('/instances', async (req, res) => {
    guard(req, ...OPERATORS);
    res.json(await query.instances(principalOf(req), parseInput(operationsInstanceQuery, req.query, 'instance filter')));
  });
  router.get('/tokens', async (req, res) => {
    guard(req, ...OPERATORS);
    const { process, version } = parseInput(tokenQuery, req.query, 'token query');
    res.json(await query.tokens(principalOf(req), process, version));
  });
  return router;
}

/** Mounted at /api/approvals: four-eyes requests, decided by a second administrator. */
export function approvalRoutes(fourEyes: FourEyes): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    guard(req, ...OPERATORS);
    const { status, limit } = parseInput(approvalQuerySchema, req.query, 'approval query');
    res.json({ enabled: fourEyes.enabled, approvals: await fourEyes.list(status, limit) });
  });
  router.post('/:id/approve', async (req, res) => {
    guard(req, 'admin');
    res.json(await fourEyes.approve(principalOf(req), req.params.id));
  });
  router.post('/:id/reject', async (req, res) => {
    guard(req, 'admin');
    const { note } = parseInput(rejectionSchema, req.body ?? {}, 'rejection');
    res.json(await fourEyes.reject(principalOf(req), req.params.id, note ?? null));
  });
  return router;
}

/** Mounted at /api/migrations. */
export function migrationRoutes(operations: OperationsService, fourEyes: FourEyes): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(migrationSchema, req.body ?? {}, 'migration');
    if (fourEyes.enabled && !body.dryRun) {
      res.status(202).json({ approval: await fourEyes.request(principalOf(req), 'migrate', null, body) });
      return;
    }
    res.json(await operations.migrate(principalOf(req), body));
  });
  return router;
}
