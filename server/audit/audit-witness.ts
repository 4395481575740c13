import type { Logger } from 'pino';

import type { MailTransport } from '../outbox/mail-transport.js';
import type { AuditCheckpoint } from './audit-checkpoint.js';

/** What a witness receives: the newest checkpoint head, or an alarm. */
export type WitnessNotice =
  | { type: 'audit.checkpoint'; baton: string; checkpoint: { id: number; at: string; signature: string; headCount: number; keyId: string } }
  | { type: 'audit.alarm'; baton: string; at: string; kind: string; reason: string };

export interface WitnessTargets {
  /** BATON_AUDIT_WITNESS_URL: the notice is POSTed there as JSON. */
  url: string | null;
  /** BATON_AUDIT_WITNESS_EMAIL: the notice is mailed there (through the SMTP transport). */
  email: { to: string; transport: MailTransport } | null;
}

/**
 * An external witness of the checkpoint chain: every checkpoint head and every alarm is POSTed as
 * JSON to a webhook and/or mailed to an address the database's users cannot write to, so a
 * rewritten history can be shown against heads recorded elsewhere. Best effort: a failed notice
 * is logged and never holds up sealing. The mail goes straight to the transport, not through the
 * outbox: outbox rows belong to an instance, a checkpoint to none.
 */
export class AuditWitness {
  constructor(
    private readonly targets: WitnessTargets,
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
    await Promise.all([this.postJson(notice), this.mail(notice)]);
  }

  private async mail(notice: WitnessNotice): Promise<void> {
    const { email } = this.targets;
    if (!email) return;
    const subject = notice.type === 'audit.checkpoint' ? `Baton audit checkpoint ${notice.checkpoint.id} (${notice.baton})` : `BATON AUDIT ALARM (${notice.baton}): ${notice.kind}`;
    const key = notice.type === 'audit.checkpoint' ? `witness:checkpoint:${notice.checkpoint.id}` : `witness:alarm:${notice.at}`;
    try {
      await email.transport.send({ to: email.to, subject, body: `${JSON.stringify(notice, null, 2)}\n`, idempotencyKey: key });
    } catch (err) {
      this.logger.error({ err, type: notice.type }, 'audit witness email could not be sent');
    }
  }

  private async postJson(notice: WitnessNotice): Promise<void> {
    if (!this.targets.url) return;
    try {
      const response = await fetch(this.targets.url, {
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
