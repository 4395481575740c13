import type { Logger } from 'pino';

import type { AuditCheckpoint } from './audit-checkpoint.js';

/** What a witness receives: the newest checkpoint head, or an alarm. */
export type WitnessNotice =
  | { type: 'audit.checkpoint'; baton: string; checkpoint: { id: number; at: string; signature: string; headCount: number; keyId: string } }
  | { type: 'audit.alarm'; baton: string; at: string; kind: string; reason: string };

/**
 * An external witness of the checkpoint chain (BATON_AUDIT_WITNESS_URL): every checkpoint head
 * and every alarm is POSTed as JSON to a system the database's users cannot write to, so a
 * rewritten history can be shown against heads recorded elsewhere. Best effort: a failed post is
 * logged and never holds up sealing.
 */
export class AuditWitness {
  constructor(
    private readonly url: string,
    private readonly baton: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  checkpoint(checkpoint: AuditCheckpoint): Promise<void> {
    const { id, at, signature, headCount, keyId } = checkpoint;
    return this.post({ type: 'audit.checkpoint', baton: this.baton, checkpoint: { id, at, signature, headCount, keyId } });
  }

  alarm(at: string, kind: string, reason: string): Promise<void> {
    return this.post({ type: 'audit.alarm', baton: this.baton, at, kind, reason });
  }

  private async post(notice: WitnessNotice): Promise<void> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) this.logger.error({ status: response.status, type: notice.type }, 'audit witness refused the notice');
    } catch (err) {
      this.logger.error({ err, type: notice.type }, 'audit witness could not be reached');
    }
  }
}
