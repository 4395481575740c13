/**
 * Wire contracts of an instance's audit trail: what verifying it answers (the browser's replay viewer
 * reads the same shape, `server/contracts/replay.ts`) and the export's query. The checks themselves
 * are in audit/audit-chain.ts and audit/audit-verify.ts.
 */
import { z } from 'zod';

/** `GET /api/instances/:id/audit`: the trail as JSON lines or CSV. */
export const auditExportQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();

/** Why verification stopped at an event; the names are part of the API (`firstInvalid.kind`). */
export type AuditBreakKind =
  | 'hash-mismatch'
  | 'broken-link'
  | 'reordered'
  | 'sequence-gap'
  | 'truncated'
  | 'head-mismatch'
  | 'checkpoint-mismatch'
  | 'checkpoint-signature-invalid'
  /** The checkpoints' own chain is broken (a gap, a wrong link or signature) or disagrees with the anchor file. */
  | 'checkpoint-chain-broken'
  /** Checkpoints the anchor file (or an earlier check) knew of are gone from the database. */
  | 'checkpoints-removed'
  /** Events older than the newest checkpoint that no checkpoint sealed: this instance's seals were removed. */
  | 'unsealed'
  /** The log is intact, but the stored state (variables, status, tasks, owner) is not what it says. */
  | 'state-mismatch';

export interface AuditBreak {
  /** The first event that does not match (for a truncated log: the first missing one); 0 when the checkpoints themselves are at fault. */
  seq: number;
  kind: AuditBreakKind;
  reason: string;
}

/** The answer of `GET /api/instances/:id/audit/verify`. */
export interface AuditVerification {
  valid: boolean;
  events: number;
  /** The first event that does not match and why; null when valid. */
  firstInvalid: AuditBreak | null;
  /** The newest checkpoint that sealed this chain; null when none has yet (the chain alone was checked). */
  checkpoint: { id: number; at: string; seq: number } | null;
}
