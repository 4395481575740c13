import type { InstanceStore } from '../instances/instance.store.js';
import type { AuditAnchor } from './audit-anchor.js';
import { checkpointProblem } from './audit-checkpoint.js';
import type { AuditKey } from './audit-key.js';
import type { AuditService } from './audit.service.js';
import type { AuditStore } from './audit.store.js';

export interface StoreProblem {
  instanceId: string | null;
  checkpointId: number | null;
  seq: number | null;
  kind: string;
  reason: string;
}

export interface StoreVerification {
  valid: boolean;
  instances: number;
  events: number;
  checkpoints: number;
  /** The newest checkpoint, or null when none was ever signed. */
  latestCheckpoint: { id: number; at: string } | null;
  problems: StoreProblem[];
}

const PAGE = 200;

/**
 * The whole store: every checkpoint (signature, heads, link to the previous one, no id missing),
 * every instance's trail against its chain and its checkpoints, and every sealed instance still
 * present. What `npm run audit:verify` prints.
 */
export async function verifyStore(
  audit: AuditStore,
  instances: InstanceStore,
  service: AuditService,
  key: AuditKey,
  /** What the anchor file outside the database says; null when there is none. */
  anchor: AuditAnchor | { unreadable: string } | null = null,
): Promise<StoreVerification> {
  const problems: StoreProblem[] = [];
  const checked = new Map<number, { at: string; problem: string | null }>();
  const sealedInstances = new Set<string>();
  let previous: { id: number; signature: string } | null = null;
  let latest: { id: number; at: string } | null = null;
  let checkpoints = 0;
  for (let page = await audit.checkpoints.list(0, PAGE); page.length > 0; page = await audit.checkpoints.list(latest?.id ?? 0, PAGE)) {
    for (const checkpoint of page) {
      checkpoints += 1;
      const heads = await audit.checkpoints.heads(checkpoint.id);
      for (const head of heads) sealedInstances.add(head.instanceId);
      const expectedId = (previous?.id ?? 0) + 1;
      const own = checkpointProblem(key, checkpoint, heads);
      checked.set(checkpoint.id, { at: checkpoint.at, problem: own });
      const problem =
        checkpoint.id !== expectedId
          ? `checkpoint ${expectedId} is missing (the next one is ${checkpoint.id})`
          : checkpoint.prevSignature !== (previous?.signature ?? '')
            ? `checkpoint ${checkpoint.id} does not link to checkpoint ${expectedId - 1}: a checkpoint was replaced or removed`
            : own;
      if (problem) problems.push({ instanceId: null, checkpointId: checkpoint.id, seq: null, kind: 'checkpoint', reason: problem });
      previous = { id: checkpoint.id, signature: checkpoint.signature };
      latest = { id: checkpoint.id, at: checkpoint.at };
    }
  }

  if (anchor && 'unreadable' in anchor) {
    problems.push({ instanceId: null, checkpointId: null, seq: null, kind: 'anchor', reason: anchor.unreadable });
  } else if (anchor) {
    const anchored = await audit.checkpoints.get(anchor.id);
    if (!latest || latest.id < anchor.id) {
      problems.push({
        instanceId: null,
        checkpointId: anchor.id,
        seq: null,
        kind: 'checkpoints-removed',
        reason: `checkpoint ${anchor.id} (${anchor.at}) was signed, but the newest in the database is ${latest ? latest.id : 'none'}: the newest checkpoints were removed`,
      });
    } else if (!anchored || anchored.signature !== anchor.signature) {
      problems.push({ instanceId: null, checkpointId: anchor.id, seq: null, kind: 'checkpoint', reason: `checkpoint ${anchor.id} is not the one the anchor file recorded: it was replaced` });
    }
  }

  let count = 0;
  let events = 0;
  for (let offset = 0; ; offset += PAGE) {
    const batch = await instances.list({ limit: PAGE, offset });
    for (const instance of batch) {
      count += 1;
      sealedInstances.delete(instance.id);
      const trail = await audit.forInstance(instance.id);
      let result = await service.verifyInstance(instance, checked, trail);
      // An intact log can still disagree with the stored state (an edited variable or owner).
      if (result.valid) {
        const stateBreak = await service.stateBreak(instance, trail);
        if (stateBreak) result = { ...result, valid: false, firstInvalid: stateBreak };
      }
      events += result.events;
      if (result.firstInvalid) {
        problems.push({ instanceId: instance.id, checkpointId: null, seq: result.firstInvalid.seq, kind: result.firstInvalid.kind, reason: result.firstInvalid.reason });
      }
    }
    if (batch.length < PAGE) break;
  }
  for (const instanceId of sealedInstances) {
    problems.push({ instanceId, checkpointId: null, seq: null, kind: 'missing-instance', reason: `instance ${instanceId} was sealed by a checkpoint but is gone from the store` });
  }
  return { valid: problems.length === 0, instances: count, events, checkpoints, latestCheckpoint: latest, problems };
}
