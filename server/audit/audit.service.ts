import { NotFoundError } from '../errors.js';
import type { InstanceRecord } from '../instances/instance.js';
import type { InstanceStore } from '../instances/instance.store.js';
import { checkpointProblem } from './audit-checkpoint.js';
import type { SealedHead } from './audit-checkpoint.store.js';
import type { AuditEvent } from './audit-event.js';
import type { AuditKey } from './audit-key.js';
import { verifyTrail, type AuditVerification, type CheckedSeal } from './audit-verify.js';
import type { AuditStore } from './audit.store.js';
import { CheckpointChain } from './checkpoint-chain.js';
import { stateDifference } from './state-check.js';
import type { AuditBreak } from './audit-verification.js';
import type { TaskStore } from '../tasks/task.store.js';

/**
 * A checkpoint seals every head that advanced before it; an event this much older than the newest
 * checkpoint must be sealed (the margin covers a step that took its time before it committed).
 */
const SEAL_MARGIN_MS = 60_000;

/** Events per read when a trail is streamed or verified page by page. */
export const AUDIT_PAGE = 500;

/** An instance's audit trail: read (in pages), verified against its chain and the signed checkpoints. */
export class AuditService {
  private readonly chain: CheckpointChain;

  constructor(
    private readonly audit: AuditStore,
    private readonly instances: InstanceStore,
    private readonly key: AuditKey,
    /** The anchor file outside the database (what the checkpointer writes); null: none. */
    anchorFile: string | null = null,
    /** Where the instance's stored tasks are read for the state check; null: only variables and status are compared. */
    private readonly tasks: TaskStore | null = null,
  ) {
    this.chain = new CheckpointChain(audit.checkpoints, key, anchorFile);
  }

  /** The instance, or NotFoundError: called before a stream starts, so a 404 is still possible. */
  async require(instanceId: string): Promise<InstanceRecord> {
    const instance = await this.instances.get(instanceId);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    return instance;
  }

  /** The trail in pages of AUDIT_PAGE events: a long trail is never one array or one string. */
  async *pages(instanceId: string): AsyncGenerator<AuditEvent[]> {
    let after = 0;
    for (;;) {
      const page = await this.audit.page(instanceId, after, AUDIT_PAGE);
      if (page.length === 0) return;
      yield page;
      after = page.at(-1)?.seq ?? after;
      if (page.length < AUDIT_PAGE) return;
    }
  }

  /** The whole trail in one array, for a caller that has checked the instance (`require`) already. */
  events(instanceId: string): Promise<AuditEvent[]> {
    return this.audit.forInstance(instanceId);
  }

  /** Valid, or the first event that does not match and why. Never throws on a broken chain. */
  async verify(instanceId: string): Promise<AuditVerification> {
    const instance = await this.require(instanceId);
    return this.verifyAgainstCheckpoints(instance);
  }

  /**
   * verifyInstance, and the instance against the checkpoints as a whole: their own chain and the
   * anchor (a removed checkpoint takes the seals of rewritten events with it), and the newest
   * checkpoint (events older than it that no checkpoint sealed had their seals removed). What
   * the API verify and the replay badge answer.
   */
  async verifyAgainstCheckpoints(instance: InstanceRecord, events?: readonly AuditEvent[]): Promise<AuditVerification> {
    const trail = events ?? (await this.audit.forInstance(instance.id));
    const own = await this.verifyInstance(instance, new Map(), trail);
    if (!own.valid) return own;
    const stateBreak = await this.stateBreak(instance, trail);
    if (stateBreak) return { ...own, valid: false, firstInvalid: stateBreak };
    const chainProblem = await this.chain.problem();
    if (chainProblem) return { ...own, valid: false, firstInvalid: { seq: 0, kind: chainProblem.kind, reason: chainProblem.reason } };
    const latest = await this.audit.checkpoints.latest();
    if (latest) {
      const cutoff = new Date(Date.parse(latest.at) - SEAL_MARGIN_MS).toISOString();
      const older = trail.filter((event) => event.at < cutoff).at(-1);
      const sealedUpTo = own.checkpoint?.seq ?? 0;
      if (older && older.seq > sealedUpTo) {
        const reason = `event ${older.seq} (${older.at}) is older than checkpoint ${latest.id} (${latest.at}) but no checkpoint sealed it: this instance's seals were removed`;
        return { ...own, valid: false, firstInvalid: { seq: sealedUpTo + 1, kind: 'unsealed', reason } };
      }
    }
    return own;
  }

  /**
   * One instance against its chain, its row's head and every checkpoint that sealed it.
   * `checked` caches what each checkpoint's own check found (a whole-store run verifies each once);
   * `events`, when the caller has read the trail already, saves reading it again.
   */
  async verifyInstance(instance: InstanceRecord, checked: Map<number, { at: string; problem: string | null }>, events?: readonly AuditEvent[]): Promise<AuditVerification> {
    const [trail, sealed] = await Promise.all([events ?? this.audit.forInstance(instance.id), this.audit.checkpoints.sealedHeads(instance.id)]);
    const seals: CheckedSeal[] = [];
    for (const head of sealed) seals.push({ ...head, ...(await this.checkCheckpoint(head, checked)) });
    return verifyTrail(trail, instance.auditHead, seals);
  }

  /** The stored state against the fold of an intact log (see state-check.ts); null when they agree. */
  async stateBreak(instance: InstanceRecord, trail: readonly AuditEvent[]): Promise<AuditBreak | null> {
    const tasks = this.tasks ? await this.tasks.list({ instanceId: instance.id, limit: 10_000, offset: 0 }) : [];
    const difference = stateDifference(trail, instance, this.tasks ? tasks : []);
    return difference ? { seq: trail.at(-1)?.seq ?? 0, kind: 'state-mismatch', reason: difference } : null;
  }

  private async checkCheckpoint(head: SealedHead, checked: Map<number, { at: string; problem: string | null }>): Promise<{ at: string; problem: string | null }> {
    let result = checked.get(head.checkpointId);
    if (!result) {
      const checkpoint = await this.audit.checkpoints.get(head.checkpointId);
      result = checkpoint
        ? { at: checkpoint.at, problem: checkpointProblem(this.key, checkpoint, await this.audit.checkpoints.heads(checkpoint.id)) }
        : { at: '', problem: `checkpoint ${head.checkpointId} holds this chain's head but is missing` };
      checked.set(head.checkpointId, result);
    }
    return result;
  }
}
