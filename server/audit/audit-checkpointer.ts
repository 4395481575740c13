import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import { writeAnchor } from './audit-anchor.js';
import { signCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';
import type { AuditCheckpointStore } from './audit-checkpoint.store.js';
import { crashPoint } from '../crash-points.js';
import type { AuditKey } from './audit-key.js';
import type { AuditWitness } from './audit-witness.js';
import { CheckpointChain, type ChainProblem } from './checkpoint-chain.js';
import type { HealthState } from '../health/health-state.js';

export interface AuditCheckpointerOptions {
  /** How long after the last checkpoint the next one is due (BATON_AUDIT_CHECKPOINT_MS). */
  intervalMs: number;
  /** How often the real timer asks whether a checkpoint is due; the due time comes from the Clock. */
  pollMs: number;
  /** Where the newest checkpoint's id and signature are kept outside the database; null: nowhere. */
  anchorFile?: string | null;
  /** Where an alarm shows (/health degraded). */
  health?: HealthState | null;
  /** The external witness the checkpoint heads and alarms are posted to. */
  witness?: AuditWitness | null;
}

/**
 * Seals every advanced chain head in a signed checkpoint, every `intervalMs` by Baton's clock and
 * once more on shutdown. The timer only asks "is one due?": tests move a ManualClock and call
 * `tick()`, nothing sleeps. A checkpoint that fails is logged and tried again on the next poll;
 * the log itself is never held up by it.
 */
export class AuditCheckpointer {
  private handle: NodeJS.Timeout | null = null;
  private running: Promise<AuditCheckpoint | null> | null = null;
  private lastAt: number;
  private readonly chain: CheckpointChain;
  private alarmed: string | null = null;

  constructor(
    private readonly checkpoints: AuditCheckpointStore,
    private readonly key: AuditKey,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: AuditCheckpointerOptions,
  ) {
    this.lastAt = clock.now().getTime();
    this.chain = new CheckpointChain(checkpoints, key, options.anchorFile ?? null);
  }

  start(): void {
    if (this.handle) return;
    // The anchor against the database before anything is sealed: an alarm shows from the start.
    void this.check();
    this.handle = setInterval(() => void this.tick(), this.options.pollMs);
    this.handle.unref();
  }

  /** Stops the timer and seals what the last steps appended. */
  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    await this.running;
    await this.checkpoint();
  }

  /** Checkpoints when the interval has passed on the clock; answers the checkpoint written, if any. */
  async tick(): Promise<AuditCheckpoint | null> {
    if (this.clock.now().getTime() - this.lastAt < this.options.intervalMs) return null;
    return this.checkpoint();
  }

  /** Checkpoints now (null when no head advanced since the last one). Never runs twice at once. */
  checkpoint(): Promise<AuditCheckpoint | null> {
    this.running ??= this.write().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * The checkpoint chain and the anchor against the database; raises the alarm (and answers the
   * problem) when a checkpoint is missing or altered, clears it once they agree again.
   */
  async check(): Promise<ChainProblem | null> {
    const problem = await this.chain.problem();
    if (problem) this.alarm(problem);
    else if (this.alarmed) {
      this.alarmed = null;
      this.options.health?.clear('audit');
    }
    return problem;
  }

  /** The current alarm, null when none. */
  alarmText(): string | null {
    return this.alarmed;
  }

  private alarm(problem: ChainProblem): void {
    if (this.alarmed === problem.reason) return;
    this.alarmed = problem.reason;
    // Loud on purpose: sealing stops until someone looks (a restore, or the tampering explained).
    this.logger.fatal({ event: 'audit.alarm', kind: problem.kind, reason: problem.reason }, `AUDIT ALARM: ${problem.reason}; no checkpoint will be sealed over it`);
    this.options.health?.raise('audit', `${problem.reason}; checkpoints are not sealed`);
    void this.options.witness?.alarm(this.clock.now().toISOString(), problem.kind, problem.reason);
  }

  private async write(): Promise<AuditCheckpoint | null> {
    const now = this.clock.now();
    try {
      // Never seal over a missing or altered checkpoint: that would re-seal a rewritten history.
      if (await this.check()) return null;
      const checkpoint = await this.checkpoints.append(now.toISOString(), this.key.id, (body) => signCheckpoint(this.key, body));
      this.lastAt = now.getTime();
      if (checkpoint) {
        this.logger.debug({ checkpoint: checkpoint.id, heads: checkpoint.headCount }, 'audit checkpoint signed');
        this.chain.sealed(checkpoint);
        crashPoint('checkpoint');
        this.anchor(checkpoint);
        void this.options.witness?.checkpoint(checkpoint);
      }
      return checkpoint;
    } catch (err) {
      this.logger.error({ err }, 'audit checkpoint failed; trying again on the next poll');
      return null;
    }
  }

  /** The checkpoint is stored either way; a failed anchor write only weakens rollback detection. */
  private anchor(checkpoint: AuditCheckpoint): void {
    if (!this.options.anchorFile) return;
    try {
      writeAnchor(this.options.anchorFile, checkpoint);
    } catch (err) {
      this.logger.error({ err, file: this.options.anchorFile }, 'audit anchor could not be written');
    }
  }
}
