import type { IncidentRecord, InstanceFilter, InstanceRecord, MessageSubscription } from './instance.js';

export interface InstanceStore {
  get(id: string): Promise<InstanceRecord | null>;
  findByBusinessKey(processKey: string, businessKey: string): Promise<InstanceRecord | null>;
  /** Newest first. */
  list(filter: InstanceFilter): Promise<InstanceRecord[]>;
  /**
   * The last ticket number committed for a prefix (0 before the first). Numbers are taken only by
   * commitStep (StepWrite.ticket), so they have no gaps: see instances/ticket-numbers.ts.
   */
  lastTicketSeq(prefix: string): Promise<number>;
  incidents(instanceId: string): Promise<IncidentRecord[]>;
  getIncident(id: string): Promise<IncidentRecord | null>;
  /** Subscriptions waiting for this message; when businessKey is given, only those of that key. */
  subscriptions(messageName: string, businessKey: string | null): Promise<MessageSubscription[]>;
}
