import type { AuditCheckpoint, CheckpointBody, CheckpointHead } from './audit-checkpoint.js';

/** A head as sealed by one checkpoint. */
export interface SealedHead extends CheckpointHead {
  checkpointId: number;
}

/** Signed checkpoints of all chain heads; written only by AuditCheckpointer. */
export interface AuditCheckpointStore {
  /**
   * In one transaction: collects the heads that advanced past their last sealed seq, and when
   * there are any, stores checkpoint latest + 1 signed by `sign`. Null when no head advanced.
   * Heads never go back: a head below its sealed seq (a truncated log) is not sealed again.
   */
  append(at: string, keyId: string, sign: (body: CheckpointBody) => string): Promise<AuditCheckpoint | null>;
  latest(): Promise<AuditCheckpoint | null>;
  get(id: number): Promise<AuditCheckpoint | null>;
  /** How many checkpoints are stored: with ids 1..latest, anything else means one was removed. */
  count(): Promise<number>;
  /** Checkpoints with id > afterId, in id order. */
  list(afterId: number, limit: number): Promise<AuditCheckpoint[]>;
  heads(checkpointId: number): Promise<CheckpointHead[]>;
  /** Every sealed head of one instance, oldest checkpoint first. */
  sealedHeads(instanceId: string): Promise<SealedHead[]>;
}
