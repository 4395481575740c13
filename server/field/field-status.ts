/**
 * What the customer's status page shows of field service: who is coming (first name only), whether
 * they are on the way and when they are expected, and the invoice once there is one.
 */
import type { InstanceRecord } from '../instances/instance.js';
import type { UserStore } from '../users/user.store.js';
import { invoiceOf } from './invoice.js';
import type { VisitService, VisitState } from './visit.service.js';

export interface FieldStatus {
  /** technicianFirstName is null when the technician has no real name on record. */
  visit: { technicianFirstName: string | null; state: VisitState; etaAt: string | null } | null;
  /** The PDF is at `/status/<token>/invoice.pdf` (and `/api/public/status/<token>/invoice.pdf`). */
  invoice: { number: string; total: number; currency: string } | null;
}

export function fieldStatusOf(visits: VisitService, users: UserStore) {
  return async (instance: InstanceRecord): Promise<FieldStatus | null> => {
    const progress = instance.status === 'running' ? await visits.openVisit(instance.id) : null;
    const user = progress?.technician ? await users.getByUsername(progress.technician) : null;
    const invoice = invoiceOf(instance.variables['invoice']);
    if (!user && !invoice) return null;
    return {
      visit: user && progress ? { technicianFirstName: firstName(user.displayName, user.username), state: progress.state, etaAt: progress.etaAt } : null,
      invoice: invoice ? { number: invoice.number, total: invoice.total, currency: invoice.currency } : null,
    };
  };
}

/**
 * The first name of a display name. A user without a real name has their sign-in name as display
 * name (the default), which a customer must not learn: then null.
 */
function firstName(displayName: string, username: string): string | null {
  if (displayName.trim() === username) return null;
  return displayName.trim().split(/\s+/)[0] || null;
}
