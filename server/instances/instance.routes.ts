import { Router } from 'express';

import { actorOf, principalOf } from '../http/principal.js';
import { ForbiddenError } from '../errors.js';
import { guard, READERS, WORKERS } from '../http/roles.js';
import { cancelInstanceSchema, instanceQuerySchema, messageSchema, retryIncidentSchema, startInstanceSchema, type StartedInstance } from '../contracts/instances.js';
import { parseInput } from '../http/validate.js';
import type { TicketService } from '../tickets/ticket.service.js';
import type { InstanceService } from './instance.service.js';
import type { MessageService } from './message.service.js';

export function instanceRoutes(instances: InstanceService, tickets: TicketService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    guard(req, ...WORKERS);
    const body = parseInput(startInstanceSchema, req.body, 'instance start');
    const { result, statusUrl } = await tickets.open(body.processKey, body.variables, body.businessKey, actorOf(req), body.checkForm);
    const { instance, opened } = result;
    const answer: StartedInstance = {
      id: instance.id,
      ticketNumber: instance.ticketNumber,
      status: instance.status,
      openTasks: opened.map((task) => ({ id: task.id, name: task.name, department: task.department, assignee: task.assignee })),
      statusUrl,
    };
    res.status(201).json(answer);
  });

  // Readers list and search everything; staff find the tickets they or their departments ever
  // touched, by number or text, or list those (`mine=true`): the audit search stays the readers'.
  router.get('/', async (req, res) => {
    const { ticket, process, processKey, from, to, q, mine, ...query } = parseInput(instanceQuerySchema, req.query, 'instance query');
    const principal = principalOf(req);
    if (!READERS.includes(principal.role) && !ticket && !q && !mine) {
      throw new ForbiddenError('Staff find tickets by number or text (ticket=, q=), or list the ones they touched (mine=true)');
    }
    res.json(await tickets.search(principal, { ...query, processKey: processKey ?? process, ticketNumber: ticket?.toUpperCase(), text: q, startedFrom: from, startedTo: to }, mine));
  });

  router.get('/:id', async (req, res) => {
    const ticket = await tickets.view(principalOf(req), req.params.id);
    res.json({ ...(await instances.get(req.params.id)), story: ticket.story, conversation: ticket.conversation, customer: ticket.customer });
  });

  router.post('/:id/cancel', async (req, res) => {
    guard(req, 'admin');
    const { reason } = parseInput(cancelInstanceSchema, req.body ?? {}, 'cancel request');
    res.json(await instances.cancel(req.params.id, reason, actorOf(req)));
  });

  router.post('/:id/incidents/:incidentId/retry', async (req, res) => {
    guard(req, 'admin');
    const { reason } = parseInput(retryIncidentSchema, req.body ?? {}, 'retry request');
    res.json(await instances.retryIncident(req.params.id, req.params.incidentId, actorOf(req), reason));
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
