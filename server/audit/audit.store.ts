import type { AuditCheckpointStore } from './audit-checkpoint.store.js';
import type { AuditEvent } from './audit-event.js';

/** Audit events are appended only as part of a step (Store.commitStep); this port reads them. */
export interface AuditStore {
  /** In sequence order. */
  forInstance(instanceId: string): Promise<AuditEvent[]>;
  /** Up to `limit` events with seq > afterSeq, in sequence order: large trails are read in pages. */
  page(instanceId: string, afterSeq: number, limit: number): Promise<AuditEvent[]>;
  /** The newest event at any of `elementIds` (e.g. the end event reached), or null: one indexed row, not the trail. */
  lastAt(instanceId: string, elementIds: readonly string[]): Promise<AuditEvent | null>;
  /** Signed checkpoints of every chain head. */
  readonly checkpoints: AuditCheckpointStore;
}
