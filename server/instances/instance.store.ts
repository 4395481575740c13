import type { IncidentRecord, InstanceFilter, InstanceRecord, MessageSubscription } from './instance.js';

export interface InstanceStore {
  get(id: string): Promise<InstanceRecord | null>;
  findByBusinessKey(processKey: string, businessKey: string): Promise<InstanceRecord | null>;
  /** Newest first. */
  list(filter: InstanceFilter): Promise<InstanceRecord[]>;
  /**
   * Next number of the per-prefix sequence, atomically (`HD` → `HD-000001`, `HD-000002`...).
   * A number is never handed out twice, even across restarts.
   */
  nextTicketNumber(prefix: string): Promise<string>;
  incidents(instanceId: string): Promise<IncidentRecord[]>;
  getIncident(id: string): Promise<IncidentRecord | null>;
  /** Open incidents of every instance, oldest first, at most `limit` (the operations page groups them by cause). */
  openIncidents(limit: number): Promise<IncidentRecord[]>;
  /** Subscriptions waiting for this message; when businessKey is given, only those of that key. */
  subscriptions(messageName: string, businessKey: string | null): Promise<MessageSubscription[]>;
}
