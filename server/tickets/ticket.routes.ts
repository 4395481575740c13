import type { TaskBpmnErrors } from '../tasks/task-bpmn-errors.js';
import express, { Router } from 'express';

import { principalOf } from '../http/principal.js';
import { instanceParamsSchema } from '../contracts/instances.js';
import { conversationTextSchema, lookupSchema, ticketNumberSchema } from '../contracts/tickets.js';
import type { Directory } from '../contracts/users.js';
import { parseInput } from '../http/validate.js';
import type { StatusService } from '../customer/status.service.js';
import type { UserStore } from '../users/user.store.js';
import type { DepartmentService } from '../departments/department.service.js';
import type { TicketService } from './ticket.service.js';

/** `/api/tickets/…`: one ticket by its number, and what a new one can be opened for. */
export function ticketRoutes(tickets: TicketService): Router {
  const router = Router();
  router.get('/startable', async (req, res) => {
    res.json(await tickets.startable(principalOf(req)));
  });
  router.get('/:ticketNumber', async (req, res) => {
    res.json(await tickets.byTicketNumber(principalOf(req), parseInput(ticketNumberSchema, req.params.ticketNumber, 'ticket number')));
  });
  return router;
}

/** `/api/instances/:id/conversation` and `/attachments/:uploadId`. */
export function ticketInstanceRoutes(tickets: TicketService): Router {
  const router = Router();
  router.get('/:id/conversation', async (req, res) => {
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    res.json(await tickets.conversation(principalOf(req), id));
  });
  router.post('/:id/conversation', async (req, res) => {
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    const { text } = parseInput(conversationTextSchema, req.body ?? {}, 'message');
    res.status(201).json(await tickets.writeToCustomer(principalOf(req), id, text));
  });
  router.get('/:id/attachments/:uploadId', async (req, res) => {
    const { id } = parseInput(instanceParamsSchema, req.params, 'instance id');
    const upload = await tickets.attachment(principalOf(req), id, String(req.params.uploadId));
    // Never rendered inline: a customer's file is downloaded, not run in Baton's origin.
    res.set({ 'content-type': upload.contentType, 'content-disposition': `attachment; filename="${upload.filename.replace(/[^\w.-]/g, '_')}"`, 'x-content-type-options': 'nosniff' }).send(upload.data);
  });
  return router;
}

/** `GET /api/tasks/:id`: the task for whoever may see its ticket, with the ticket's story (what earlier levels wrote). */
export function ticketTaskRoutes(tickets: TicketService, errors?: TaskBpmnErrors): Router {
  const router = Router();
  router.get('/:id', async (req, res, next) => {
    if (req.params.id === 'unrouted') return next();
    const task = await tickets.taskWithTicket(principalOf(req), req.params.id);
    // The error and escalation codes the diagram catches on the task, for the inbox to offer.
    res.json(errors ? { ...task, bpmnErrors: await errors.catchable(task), bpmnEscalations: await errors.escalations(task) } : task);
  });
  return router;
}

/** `GET /api/directory`: people and departments to hand a task over to (enabled staff only, no personal data). */
export function directoryRoutes(users: UserStore, departments: DepartmentService): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [people, all] = await Promise.all([users.list(), departments.list()]);
    const directory: Directory = {
      departments: all.map((department) => ({ id: department.id, name: department.name, parentId: department.parentId })),
      people: people.filter((user) => !user.disabled && user.role !== 'auditor').map((user) => ({ username: user.username, role: user.role, departments: user.departments })),
    };
    res.json(directory);
  });
  return router;
}

/** `/api/public/status/…` additions: the customer's side of the conversation, and the lookup by ticket number and email. */
export function publicTicketApi(tickets: TicketService, status: StatusService): Router {
  const router = Router();
  const noStore = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  router.post('/status/lookup', express.json({ limit: '4kb' }), async (req, res) => {
    const { ticketNumber, email } = parseInput(lookupSchema, req.body ?? {}, 'lookup');
    await tickets.lookup(ticketNumber, email, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    res.status(202).set(noStore).json({ message: LOOKUP_ANSWER });
  });
  router.get('/status/:token/conversation', async (req, res) => {
    const { instanceId } = await status.access(req.params.token);
    res.set(noStore).json(await tickets.customerConversation(instanceId));
  });
  router.post('/status/:token/conversation', express.json({ limit: '32kb' }), async (req, res) => {
    const { instanceId } = await status.access(req.params.token);
    const { text } = parseInput(conversationTextSchema, req.body ?? {}, 'message');
    await tickets.customerReply(instanceId, text);
    res
      .status(201)
      .set(noStore)
      .json(await tickets.customerConversation(instanceId));
  });
  return router;
}

/** The same words whether or not the ticket and email belong together. */
export const LOOKUP_ANSWER = 'If the ticket number and email belong together, we have sent the status link to that address.';
