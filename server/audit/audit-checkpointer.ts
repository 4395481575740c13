import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import { writeAnchor } from './audit-anchor.js';
import { signCheckpoint, type AuditCheckpoint } from './audit-checkpoint.js';
import type { AuditCheckpointStore } from './audit-checkpoint.store.js';
import type { AuditKey } from './audit-key.js';

export interface AuditCheckpointerOptions {
  /** How long after the last checkpoint the next one is due (BATON_AUDIT_CHECKPOINT_MS). */
  intervalMs: number;
  /** How often the real timer asks whether a checkpoint is due; the due time comes from the Clock. */
  pollMs: number;
  /** Where the newest checkpoint's id and signature are kept outside the database; null: nowhere. */
  anchorFile?: string | null;
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

  constructor(
    private readonly checkpoints: AuditCheckpointStore,
    private readonly key: AuditKey,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: AuditCheckpointerOptions,
  ) {
    this.lastAt = clock.now().getTime();
  }

  start(): void {
    if (this.handle) return;
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

  private async write(): Promise<AuditCheckpoint | null> {
    const now = this.clock.now();
    try {
      const checkpoint = await this.checkpoints.append(now.toISOString(), this.key.id, (body) => signCheckpoint(this.key, body));
      this.lastAt = now.getTime();
      if (checkpoint) {
        this.logger.debug({ checkpoint: checkpoint.id, heads: checkpoint.headCount }, 'audit checkpoint signed');
        this.anchor(checkpoint);
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
