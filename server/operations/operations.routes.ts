import { Router } from 'express';

import { principalOf } from '../http/principal.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { InstanceService } from '../instances/instance.service.js';
import { operationsInstanceQuery, tokenQuery, type OperationsQuery } from './operations-query.js';
import { editVariablesSchema, incidentRetrySchema, migrationSchema, moveSchema, restartSchema } from './operations.schemas.js';
import type { OperationsService } from './operations.service.js';

/** Who reaches an intervention route at all; process owners are then checked against the process (operations.service.ts). */
const OPERATORS = ['admin', 'process-owner'] as const;

/** Mounted at /api/instances beside the instance routes. */
export function interventionRoutes(operations: OperationsService, instances: InstanceService): Router {
  const router = Router();

  router.patch('/:id/variables', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(editVariablesSchema, req.body ?? {}, 'variable edit');
    await operations.editVariables(principalOf(req), req.params.id, body);
    res.json(await instances.get(req.params.id));
  });

  router.post('/:id/move', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(moveSchema, req.body ?? {}, 'move');
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

/** Mounted at /api/migrations. */
export function migrationRoutes(operations: OperationsService): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    guard(req, ...OPERATORS);
    const body = parseInput(migrationSchema, req.body ?? {}, 'migration');
    res.json(await operations.migrate(principalOf(req), body));
  });
  return router;
}
