import type { ApprovalStatus } from '../contracts/operations.js';

/** What a four-eyes request asks for (the body the route would have applied), by kind. */
export type ApprovalKind = 'variables' | 'move' | 'migrate' | 'cancel';

export type { ApprovalStatus };

/**
 * An intervention waiting for a second administrator (four-eyes, `BATON_FOUR_EYES=on`): not
 * applied until approved by someone other than who asked.
 */
export interface ApprovalRecord {
  id: string;
  kind: ApprovalKind;
  /** The instance it changes; null for a migration (it names its instances in `request`). */
  instanceId: string | null;
  /** The request body as validated by its route (reason included). */
  request: Record<string, unknown>;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: ApprovalStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Why it was rejected, or why applying it failed (the instance changed meanwhile...). */
  note: string | null;
}
