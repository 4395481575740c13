import type { AuditEvent } from './audit-event.js';

/** Audit events are appended only as part of a step (Store.commitStep); this port reads them. */
export interface AuditStore {
  /** In sequence order. */
  forInstance(instanceId: string): Promise<AuditEvent[]>;
}
