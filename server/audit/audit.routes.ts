import { once } from 'node:events';

import { Router, type Response } from 'express';

import { guard, READERS } from '../http/roles.js';
import { auditExportQuerySchema } from '../contracts/audit.js';
import { instanceParamsSchema } from '../contracts/instances.js';
import { parseInput } from '../http/validate.js';
import { auditCsvHeader, auditCsvRow, auditJsonItem } from './audit-export.js';
import type { AuditService } from './audit.service.js';

/** `/api/instances/:id/audit…`: the trail (streamed), its verification. */
export function auditRoutes(audit: AuditService): Router {
  const router = Router();

  router.get('/:id/audit', async (req, res) => {
    guard(req, ...READERS);
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    const { format } = parseInput(auditExportQuerySchema, req.query, 'audit export query');
    // Before the first byte: an unknown instance is still a clean 404.
    await audit.require(id);
    if (format === 'csv') res.type('text/csv').attachment(`audit-${id}.csv`);
    else res.type('application/json');
    let open = await write(res, format === 'csv' ? auditCsvHeader() : '[');
    let first = true;
    for await (const page of audit.pages(id)) {
      if (!open) return; // the client went away: stop reading pages for nobody
      let chunk = '';
      for (const event of page) {
        chunk += format === 'csv' ? auditCsvRow(event) : auditJsonItem(event, first);
        first = false;
      }
      open = await write(res, chunk);
    }
    if (format === 'json') open = await write(res, ']');
    if (open) res.end();
  });

  router.get('/:id/audit/verify', async (req, res) => {
    guard(req, ...READERS);
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    res.json(await audit.verify(id));
  });

  return router;
}

/**
 * Writes with backpressure: a slow client holds one page in memory, not the whole trail.
 * Answers whether the response is still open.
 */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}
