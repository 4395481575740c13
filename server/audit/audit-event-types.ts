/**
 * Every audit event type Baton writes, what its `data` carries, and how replay (`foldAudit`)
 * reads it: the one list to extend when a feature adds an event. Every event also has `seq`, `at`,
 * `actor` (a user, `api`, `system` or `timer`), `elementId` and `definitionId` (`<key>:<version>`:
 * the definition version the instance runs).
 *
 * Types not listed here still verify, export and appear in the replay timeline; the fold applies
 * two generic rules to them (see `foldAudit`):
 * - an event whose data has `taskId` and `owner` (or `assignee`) sets that task's owner — so task
 *   claim / release (`owner: null`) / pass-up / hand-over events slot in without a change here;
 * - an event whose data has `taskId` and `status` ('open' | 'completed' | 'cancelled') sets it.
 */
export const AUDIT_EVENT_TYPES = {
  'instance.started': 'processKey, version, ticketNumber, businessKey, variables (as the caller gave them)',
  'instance.completed': 'nothing: the process reached its end',
  'instance.cancelled': 'reason, intervention (an admin action; actor is who cancelled)',
  'instance.variables-edited': 'set, removed, reason, intervention: an operator changed variables (the diff follows as variables.changed)',
  'instance.moved': 'from, to, reason, intervention: an operator moved the token (the cancellation and the new run follow)',
  'instance.restarted': 'from, reason, intervention: a finished ticket started again at `from`',
  'instance.migrated': 'processKey, fromVersion, toVersion, mapping, reason, intervention: the instance runs the new version from here (definitionId of later events)',
  'activity.entered': 'executionId, type: a token arrives at elementId',
  'activity.left': 'executionId, type: the token leaves elementId, done',
  'activity.cancelled': 'executionId, type, interrupted? (a boundary event took the activity away): the token is gone without completing',
  'flow.taken': 'sourceId, targetId: the sequence flow elementId was taken',
  'gateway.decided': 'executionId, type, conditions [{ flowId, expression, result, values }], taken, discarded, defaultFlow',
  'variables.changed': 'set { name: value }, removed [names]: the diff against the previous step',
  'task.created': 'taskId, department, assignee, candidateGroups, dueAt',
  'task.completed': 'taskId, output (the form data); actor is who completed it',
  'task.cancelled': 'taskId: closed without completion (escalated away, instance cancelled)',
  'task.claimed': 'taskId, version; actor is who claimed it and becomes the owner',
  'task.released': 'taskId, version, from (the owner until now): back to the department queue',
  'task.passed-up': 'taskId, version, from { department, assignee }, to { department }, reason: to the parent department, unowned',
  'task.handed-over': 'taskId, version, from { department, assignee }, to { department, assignee }, reason',
  'task.commented': 'taskId, version, comment (the owner does not change)',
  'task.escalated': 'taskId (the old task), elementId, timerElementId, at, toTaskId',
  'timer.scheduled': 'executionId (of the timer), timerType, dueAt',
  'timer.fired': 'executionId, scheduledAt, firedAt (scheduled vs actual)',
  'timer.forced': 'timerId, dueAt: an operator fired the timer early (admin action)',
  'timer.rescheduled': 'timerId, from, to, reason, intervention (admin action)',
  'timer.cancelled': 'timerId, dueAt, reason, intervention: an operator cancelled a boundary timer (SLA or escalation); its activity stays',
  'timer.moved': 'timerId, from, to (null while paused), reason: an SLA pause, resume or calendar recompute moved it',
  'sla.paused': 'reason, taskId, tasks [{ taskId, calendarId, dueRemainingMs, warnRemainingMs }]: the ticket waits on the customer, its SLA clocks stop',
  'sla.resumed': 'reason, pausedAt, pausedMs: the SLA clocks run again',
  'message.correlated': 'messageName, executionId, variables',
  'service.completed': 'executionId, connector',
  'incident.raised': 'incidentId, kind, message, retry?',
  'incident.resolved': 'incidentId',
  'incident.retried': 'incidentId (admin action)',
  'external-task.created': 'externalTaskId, executionId, topic: a service task waits for an external worker',
  'external-task.completed': 'executionId, topic, worker, variables: the worker completed it',
  'external-task.failed': 'externalTaskId, topic, errorMessage, retries (left), retryAt: the worker reported a failure (no retries left: an incident)',
  'external-task.bpmn-error': 'executionId, topic, worker, errorCode, message: the worker threw a BPMN error',
  'external-task.cancelled': 'externalTaskId, topic: the task was interrupted or the instance ended before a worker finished',
  'external-task.reopened': 'externalTaskId, topic: an incident retry hands the task to workers again (one retry)',
  'call.started': 'executionId, childInstanceId, childTicket, processKey: a call activity started its child instance (another deployment)',
  'call.parent': 'parentInstanceId, parentTicket, elementId: this instance was started by that call activity',
  'task.bpmn-error': 'taskId, errorCode, reason: a person ended the task with a BPMN error its boundary events catch',
  'task.escalation': 'taskId, escalationCode, boundaryId, reason: a person raised an escalation the boundary event boundaryId catches',
  'conversation.to-customer': 'text, emailed (whether an email went out): staff wrote to the customer; actor is who wrote',
  'conversation.from-customer': 'text: the customer answered on the status page (actor customer)',
  'status.link-sent': 'channel (email): a new status link was mailed after a lookup by ticket number and email',
} as const satisfies Record<string, string>;

export type KnownAuditEventType = keyof typeof AUDIT_EVENT_TYPES;
