import { isNotificationKind } from '../../notifications/notification.js';
import type { NotificationService } from '../../notifications/notification.service.js';
import { atRiskKey } from '../../notifications/sla-watch.js';
import type { Connector } from './connector.js';

/**
 * Notifies whoever holds the instance's open user tasks (owner, else queue): the shipped
 * processes' "warn the owner" steps. Inputs: `kind` (default `sla-at-risk`), `task` (the user
 * task's element id; default every open task). An SLA warning is keyed by the task's warning
 * time, so the SLA sweep does not tell it again; other kinds by the service task run.
 */
export function notifyConnector(notifications: NotificationService): Connector {
  return {
    name: 'notify',
    description: 'Notifies the owner (else the queue) of the open user tasks: inputs `kind` (sla-at-risk, sla-breached, …) and `task` (element id).',
    async run(call) {
      const kind = call.input['kind'] === undefined || call.input['kind'] === '' ? 'sla-at-risk' : call.input['kind'];
      if (!isNotificationKind(kind)) throw new Error(`notify: input 'kind' must be a notification kind, got '${String(kind)}'`);
      const elementId = typeof call.input['task'] === 'string' && call.input['task'] ? call.input['task'] : null;
      const added = await notifications.notifyTaskHolders(kind, {
        instanceId: call.instanceId,
        elementId,
        dedupeKey: (task) => (kind === 'sla-at-risk' ? atRiskKey(task) : `${kind}:${task.id}:${call.executionId}`),
      });
      return { notified: added.length };
    },
  };
}
