import { Router } from 'express';

import type { DefinitionService } from './definition.service.js';

/** `GET /api/connectors`: the handler names a service task may call (the modeler's picker). */
export function connectorRoutes(definitions: DefinitionService): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json(definitions.handlerNames().map((name) => ({ name })));
  });
  return router;
}
