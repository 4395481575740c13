import { Router } from 'express';

import { auditCsvHeader, auditCsvRow } from '../audit/audit-export.js';
import { actorOf, principalOf } from '../http/principal.js';
import { guard, READERS, WORKERS } from '../http/roles.js';
import { cancelInstanceSchema, instanceQuerySchema, messageSchema, startInstanceSchema } from '../http/schemas.js';
import { parseInput } from '../http/validate.js';
import type { InstanceService } from './instance.service.js';
import type { MessageService } from './message.service.js';

export function instanceRoutes(instances: InstanceService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    guard(req, ...WORKERS);
    const body = parseInput(startInstanceSchema, req.body, 'instance start');
    const { instance, opened } = await instances.start(body, actorOf(req));
    res.status(201).json({
      id: instance.id,
      ticketNumber: instance.ticketNumber,
      status: instance.status,
      openTasks: opened.map((task) => ({ id: task.id, name: task.name, department: task.department })),
    });
  });

  router.get('/', async (req, res) => {
    guard(req, ...READERS);
    const { ticket, ...query } = parseInput(instanceQuerySchema, req.query, 'instance query');
    res.json(await instances.list({ ...query, ticketNumber: ticket }));
  });

  router.get('/:id', async (req, res) => {
    const principal = principalOf(req);
    if (!READERS.includes(principal.role)) await instances.assertWorksOn(principal, req.params.id);
    res.json(await instances.get(req.params.id));
  });

  router.get('/:id/audit', async (req, res) => {
    guard(req, ...READERS);
    const events = await instances.auditTrail(req.params.id);
    if (req.query['format'] === 'csv') {
      res.type('text/csv').attachment(`audit-${req.params.id}.csv`);
      res.write(auditCsvHeader());
      for (const event of events) res.write(auditCsvRow(event));
      res.end();
      return;
    }
    res.json(events);
  });

  router.get('/:id/audit/verify', async (req, res) => {
    guard(req, ...READERS);
    res.json(await instances.verifyAudit(req.params.id));
  });

  router.post('/:id/cancel', async (req, res) => {
    guard(req, 'admin');
    const { reason } = parseInput(cancelInstanceSchema, req.body ?? {}, 'cancel request');
    res.json(await instances.cancel(req.params.id, reason, actorOf(req)));
  });

  router.post('/:id/incidents/:incidentId/retry', async (req, res) => {
    guard(req, 'admin');
    res.json(await instances.retryIncident(req.params.id, req.params.incidentId, actorOf(req)));
  });

  return router;
}

export function messageRoutes(messages: MessageService): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    guard(req, ...WORKERS);
    const body = parseInput(messageSchema, req.body, 'message');
    res.json(await messages.correlate(body, actorOf(req)));
  });
  return router;
}
