import { createHash, createHmac } from 'node:crypto';

import { sameText } from '../auth/secrets.js';
import { canonicalJson } from './audit-chain.js';
import type { AuditKey } from './audit-key.js';

/** One instance's chain head as a checkpoint saw it. */
export interface CheckpointHead {
  instanceId: string;
  seq: number;
  hash: string;
}

/**
 * What a checkpoint signs. A checkpoint holds the heads that advanced since the previous one, so
 * the set of checkpoints, each linked to the previous signature, covers every head ever sealed.
 */
export interface CheckpointBody {
  /** 1, 2, 3... */
  id: number;
  at: string;
  /** Signature of checkpoint id - 1 ('' for the first): deleting a checkpoint breaks the next. */
  prevSignature: string;
  headCount: number;
  /** sha256 over the heads, sorted by instance id: what ties the head rows to the signature. */
  headsDigest: string;
  keyId: string;
}

export interface AuditCheckpoint extends CheckpointBody {
  /** HMAC-SHA256 (hex) of the canonical JSON of the body, with the audit key. */
  signature: string;
}

export function headsDigest(heads: readonly CheckpointHead[]): string {
  const hash = createHash('sha256');
  for (const head of [...heads].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))) {
    hash.update(`${head.instanceId}\t${head.seq}\t${head.hash}\n`);
  }
  return hash.digest('hex');
}

export function signCheckpoint(key: AuditKey, body: CheckpointBody): string {
  const { id, at, prevSignature, headCount, headsDigest: digest, keyId } = body;
  return createHmac('sha256', key.secret)
    .update(canonicalJson({ id, at, prevSignature, headCount, headsDigest: digest, keyId }))
    .digest('hex');
}

/** Why a stored checkpoint cannot be trusted, or null when its signature and its heads hold. */
export function checkpointProblem(key: AuditKey, checkpoint: AuditCheckpoint, heads: readonly CheckpointHead[]): string | null {
  if (checkpoint.keyId !== key.id) return `checkpoint ${checkpoint.id} was signed with another key (${checkpoint.keyId}, this one is ${key.id})`;
  if (!sameText(signCheckpoint(key, checkpoint), checkpoint.signature)) return `checkpoint ${checkpoint.id}: its signature does not match its content`;
  if (heads.length !== checkpoint.headCount || headsDigest(heads) !== checkpoint.headsDigest) {
    return `checkpoint ${checkpoint.id}: its chain heads were changed, added or removed after it was signed`;
  }
  return null;
}
