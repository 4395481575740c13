import type { AuditHead } from '../instances/instance.js';
import { GENESIS_HASH, verifyChain } from './audit-chain.js';
import type { SealedHead } from './audit-checkpoint.store.js';
import type { AuditEvent } from './audit-event.js';
import type { AuditBreak, AuditVerification } from './audit-verification.js';

export type { AuditVerification } from './audit-verification.js';

/** A sealed head with what verifying its checkpoint found. */
export interface CheckedSeal extends SealedHead {
  at: string;
  /** Why the checkpoint cannot be trusted; null when its signature and heads hold. */
  problem: string | null;
}

/**
 * Checks one instance's trail: the chain itself, then every head a signed checkpoint sealed (a log
 * shortened or rewritten after a checkpoint no longer reaches or matches the sealed head), then
 * the head the instance row keeps. Pure and total: any rows give an answer, never a throw.
 */
export function verifyTrail(events: readonly AuditEvent[], head: AuditHead, seals: readonly CheckedSeal[]): AuditVerification {
  const newest = seals.at(-1);
  const checkpoint = newest ? { id: newest.checkpointId, at: newest.at, seq: newest.seq } : null;
  const answer = (firstInvalid: AuditBreak | null): AuditVerification => ({ valid: firstInvalid === null, events: events.length, firstInvalid, checkpoint });

  const broken = verifyChain(events);
  if (broken) return answer(broken);
  const last = events.at(-1);
  const lastSeq = last?.seq ?? 0;
  for (const seal of seals) {
    if (seal.problem) return answer({ seq: seal.seq, kind: 'checkpoint-signature-invalid', reason: seal.problem });
    if (lastSeq < seal.seq) {
      return answer({ seq: lastSeq + 1, kind: 'truncated', reason: `checkpoint ${seal.checkpointId} (${seal.at}) sealed event ${seal.seq}, but the log ends at event ${lastSeq}` });
    }
    if (events[seal.seq - 1]?.hash !== seal.hash) {
      return answer({ seq: seal.seq, kind: 'checkpoint-mismatch', reason: `event ${seal.seq} is not the one checkpoint ${seal.checkpointId} (${seal.at}) sealed: the chain was rewritten` });
    }
  }
  if (lastSeq < head.seq) {
    return answer({ seq: lastSeq + 1, kind: 'truncated', reason: `the log ends at event ${lastSeq} but the instance recorded ${head.seq}` });
  }
  if (lastSeq !== head.seq || (last?.hash ?? GENESIS_HASH) !== head.hash) {
    return answer({ seq: lastSeq, kind: 'head-mismatch', reason: `the instance records head ${head.seq} ${head.hash.slice(0, 12)}…, the log ends at event ${lastSeq}` });
  }
  return answer(null);
}
