import { sameText } from '../auth/secrets.js';
import { readAnchor, type AuditAnchor } from './audit-anchor.js';
import { signCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';
import type { AuditCheckpointStore } from './audit-checkpoint.store.js';
import type { AuditKey } from './audit-key.js';

export interface ChainProblem {
  kind: 'checkpoint-chain-broken' | 'checkpoints-removed';
  reason: string;
}

const PAGE = 500;

/** What the anchor file says against what the database holds; null when they agree (or there is no anchor). */
export async function anchorProblem(checkpoints: AuditCheckpointStore, anchor: AuditAnchor | { unreadable: string } | null): Promise<ChainProblem | null> {
  if (anchor === null) return null;
  if ('unreadable' in anchor) return { kind: 'checkpoint-chain-broken', reason: anchor.unreadable };
  const latest = await checkpoints.latest();
  if (!latest || latest.id < anchor.id) {
    return {
      kind: 'checkpoints-removed',
      reason: `checkpoint ${anchor.id} (${anchor.at}) was signed, but the newest in the database is ${latest ? latest.id : 'none'}: the newest checkpoints were removed`,
    };
  }
  const anchored = await checkpoints.get(anchor.id);
  if (!anchored || !sameText(anchored.signature, anchor.signature)) {
    return { kind: 'checkpoint-chain-broken', reason: `checkpoint ${anchor.id} is not the one the anchor file recorded: it was replaced or removed` };
  }
  return null;
}

/**
 * The checkpoints as their own chain: numbered 1, 2, 3… without a gap, each signed and holding the
 * previous one's signature, and the newest agreeing with the anchor file outside the database.
 * What the checkpointer checks before it seals (it must never seal over a removed checkpoint, which
 * would re-seal a rewritten history) and what per-instance verify adds to the instance's own seals.
 * Verified checkpoints are remembered, so each check reads only the new ones and re-reads one.
 */
export class CheckpointChain {
  private verified: { id: number; signature: string } | null = null;

  constructor(
    private readonly checkpoints: AuditCheckpointStore,
    private readonly key: AuditKey,
    private readonly anchorFile: string | null,
  ) {}

  async problem(): Promise<ChainProblem | null> {
    if (this.verified) {
      const still = await this.checkpoints.get(this.verified.id);
      if (!still || !sameText(still.signature, this.verified.signature)) {
        const gone = this.verified.id;
        this.verified = null;
        return { kind: 'checkpoints-removed', reason: `checkpoint ${gone} was verified earlier but is now missing or replaced: checkpoints were removed` };
      }
    }
    let previous = this.verified;
    for (let page = await this.checkpoints.list(previous?.id ?? 0, PAGE); page.length > 0; page = await this.checkpoints.list(previous?.id ?? 0, PAGE)) {
      for (const checkpoint of page) {
        const problem = linkProblem(this.key, checkpoint, previous);
        if (problem) return problem;
        previous = { id: checkpoint.id, signature: checkpoint.signature };
        this.verified = previous;
      }
      if (page.length < PAGE) break;
    }
    // Verified ones are not re-read; a deletion among them shows as fewer rows than numbers.
    const count = await this.checkpoints.count();
    if (previous && count < previous.id) {
      return { kind: 'checkpoints-removed', reason: `checkpoints 1 to ${previous.id} were signed, but the database holds ${count}: a checkpoint was removed` };
    }
    return anchorProblem(this.checkpoints, this.anchorFile ? readAnchor(this.anchorFile) : null);
  }

  /** The checkpointer wrote this one itself: the next check starts after it. */
  sealed(checkpoint: AuditCheckpoint): void {
    if (!this.verified || this.verified.id === checkpoint.id - 1) this.verified = { id: checkpoint.id, signature: checkpoint.signature };
  }
}

function linkProblem(key: AuditKey, checkpoint: AuditCheckpoint, previous: { id: number; signature: string } | null): ChainProblem | null {
  const expectedId = (previous?.id ?? 0) + 1;
  if (checkpoint.id !== expectedId) return { kind: 'checkpoints-removed', reason: `checkpoint ${expectedId} is missing (the next one is ${checkpoint.id})` };
  if (!sameText(checkpoint.prevSignature, previous?.signature ?? '')) {
    return { kind: 'checkpoint-chain-broken', reason: `checkpoint ${checkpoint.id} does not link to checkpoint ${expectedId - 1}: a checkpoint was replaced or removed` };
  }
  // Checkpoints of an earlier key (rotated) cannot be checked with this one; their links still are.
  if (checkpoint.keyId === key.id && !sameText(signCheckpoint(key, checkpoint), checkpoint.signature)) {
    return { kind: 'checkpoint-chain-broken', reason: `checkpoint ${checkpoint.id}: its signature does not match its content` };
  }
  return null;
}
