import { ConflictError } from '../../errors.js';
import { retryAction } from '../incident-retry.js';
import type { ActionHandler, ActionOf } from './action.js';

/** An admin retries an incident: the failed step is replayed (its action again, or a resume that runs the failed service again). */
export const retry: ActionHandler<ActionOf<'retry'>> = {
  check(action, step) {
    const retried = step.openIncidents.find((incident) => incident.id === action.incidentId) ?? null;
    if (!retried) throw new ConflictError(`Incident ${action.incidentId} is not open on ticket ${step.instance.ticketNumber}`);
    step.retried = retried;
    step.effective = retryAction(retried.retry, action.actor) ?? action;
    return 'go';
  },
  prepare(action, step) {
    // check() found the incident, or threw.
    const incidentId = step.retried?.id ?? action.incidentId;
    step.leading.push({ type: 'incident.retried', actor: action.actor, data: { incidentId, reason: action.reason ?? null, intervention: true } });
    return 'go';
  },
  // A retried service runs again during resume.
  async apply() {
    return 'go';
  },
};
