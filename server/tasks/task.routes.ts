import { Router } from 'express';

import { NotFoundError } from '../errors.js';

import { principalOf } from '../http/principal.js';
import { pagingSchema } from '../contracts/common.js';
import { bpmnErrorSchema, commentSchema, completeSchema, escalationSchema, handOverSchema, passUpSchema, taskQuerySchema, versionOnlySchema } from '../contracts/tasks.js';
import { parseInput } from '../http/validate.js';
import type { TaskActions } from './task-actions.js';
import type { TaskBpmnErrors } from './task-bpmn-errors.js';

export function taskRoutes(actions: TaskActions, errors?: TaskBpmnErrors): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json(await actions.list(principalOf(req), parseInput(taskQuerySchema, req.query, 'task query')));
  });

  router.get('/unrouted', async (req, res) => {
    res.json(await actions.unrouted(principalOf(req), parseInput(pagingSchema, req.query, 'paging')));
  });

  router.get('/:id', async (req, res) => {
    const task = await actions.get(principalOf(req), req.params.id);
    // The error codes the diagram catches on the task, for the inbox to offer.
    res.json(errors ? { ...task, bpmnErrors: await errors.catchable(task), bpmnEscalations: await errors.escalations(task) } : task);
  });

  router.post('/:id/bpmn-error', async (req, res) => {
    if (!errors) throw new NotFoundError('BPMN errors from tasks are not available');
    const { errorCode, reason, version } = parseInput(bpmnErrorSchema, req.body ?? {}, 'BPMN error');
    res.json(await errors.throwError(principalOf(req), req.params.id, errorCode, reason, version));
  });

  router.post('/:id/escalation', async (req, res) => {
    if (!errors) throw new NotFoundError('Escalations from tasks are not available');
    const { escalationCode, reason, version } = parseInput(escalationSchema, req.body ?? {}, 'escalation');
    res.json(await errors.escalate(principalOf(req), req.params.id, escalationCode, reason, version));
  });

  router.post('/:id/claim', async (req, res) => {
    const { version } = parseInput(versionOnlySchema, req.body ?? {}, 'claim');
    res.json(await actions.claim(principalOf(req), req.params.id, version));
  });

  router.post('/:id/release', async (req, res) => {
    const { version } = parseInput(versionOnlySchema, req.body ?? {}, 'release');
    res.json(await actions.release(principalOf(req), req.params.id, version));
  });

  router.post('/:id/complete', async (req, res) => {
    const { variables, version } = parseInput(completeSchema, req.body ?? {}, 'task completion');
    res.json(await actions.complete(principalOf(req), req.params.id, variables, version));
  });

  router.post('/:id/pass-up', async (req, res) => {
    const { reason, version } = parseInput(passUpSchema, req.body ?? {}, 'pass up');
    res.json(await actions.passUp(principalOf(req), req.params.id, reason, version));
  });

  router.post('/:id/hand-over', async (req, res) => {
    const { reason, version, ...target } = parseInput(handOverSchema, req.body ?? {}, 'hand-over');
    res.json(await actions.handOver(principalOf(req), req.params.id, target, reason, version));
  });

  router.post('/:id/comments', async (req, res) => {
    const { text, version } = parseInput(commentSchema, req.body ?? {}, 'comment');
    res.json(await actions.comment(principalOf(req), req.params.id, text, version));
  });

  return router;
}
