import express, { Router } from 'express';

import { deployBodySchema, versionParamsSchema, type DeployAnswer } from '../contracts/definitions.js';
import { InvalidInputError } from '../errors.js';
import { guard } from '../http/roles.js';
import { parseInput } from '../http/validate.js';
import type { DefinitionService } from './definition.service.js';

export const MAX_DIAGRAM_BYTES = 5 * 1024 * 1024;

const xmlBody = express.text({ type: ['application/xml', 'text/xml', 'application/bpmn+xml', 'text/plain'], limit: MAX_DIAGRAM_BYTES });

export function definitionRoutes(definitions: DefinitionService): Router {
  const router = Router();

  /** Deploy: the diagram as the raw body (application/xml) or as `{ "xml": "..." }`. */
  router.post('/', xmlBody, async (req, res) => {
    guard(req, 'admin', 'process-owner');
    const xml = typeof req.body === 'string' ? req.body : parseInput(deployBodySchema, req.body, 'deployment').xml;
    if (!xml.trim()) throw new InvalidInputError('The request has no BPMN diagram in its body');
    const { definition, created } = await definitions.deploy(xml);
    const answer: DeployAnswer = {
      key: definition.key,
      version: definition.version,
      id: definition.id,
      name: definition.name,
      created,
      warnings: definition.warnings,
    };
    res.status(created ? 201 : 200).json(answer);
  });

  router.get('/', async (_req, res) => {
    res.json(await definitions.list());
  });

  router.get('/:key/versions', async (req, res) => {
    res.json(await definitions.versions(req.params.key));
  });

  router.get('/:key/versions/:version/xml', async (req, res) => {
    const { key, version } = parseInput(versionParamsSchema, req.params, 'version');
    res.type('application/xml').send(await definitions.xml(key, version));
  });

  /** A task form embedded in that version's diagram (see embedded-forms.ts). */
  router.get('/:key/versions/:version/forms/:formKey', async (req, res) => {
    const { key, version } = parseInput(versionParamsSchema, { key: req.params.key, version: req.params.version }, 'version');
    res.json(await definitions.form(key, version, req.params.formKey));
  });

  return router;
}
