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
  'instance.cancelled': 'reason (an admin action; actor is who cancelled)',
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
  'timer.rescheduled': 'timerId, from, to, reason (admin action)',
  'message.correlated': 'messageName, executionId, variables',
  'service.completed': 'executionId, connector',
  'incident.raised': 'incidentId, kind, message, retry?',
  'incident.resolved': 'incidentId',
  'incident.retried': 'incidentId (admin action)',
  'conversation.to-customer': 'text, emailed (whether an email went out): staff wrote to the customer; actor is who wrote',
  'conversation.from-customer': 'text: the customer answered on the status page (actor customer)',
  'status.link-sent': 'channel (email): a new status link was mailed after a lookup by ticket number and email',
} as const satisfies Record<string, string>;

export type KnownAuditEventType = keyof typeof AUDIT_EVENT_TYPES;
