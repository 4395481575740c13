import type { ApprovalRecord, ApprovalStatus } from './approval.js';

export interface ApprovalStore {
  insert(approval: ApprovalRecord): Promise<void>;
  get(id: string): Promise<ApprovalRecord | null>;
  /** Newest first; with a status, only those. */
  list(status: ApprovalStatus | undefined, limit: number): Promise<ApprovalRecord[]>;
  /**
   * Records the decision only if the request is still pending (two admins deciding at once: one
   * wins); true when this call decided it.
   */
  decide(id: string, decision: Pick<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'note'>): Promise<boolean>;
  /** A decided request's outcome after the fact (approved, then applying it failed). */
  setOutcome(id: string, status: ApprovalStatus, note: string | null): Promise<void>;
}
