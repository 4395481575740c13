import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import { MailTransportUnavailableError, type MailTransport, type OutgoingMail, type MailAttachment } from './mail-transport.js';
import type { OutboxMessage } from './outbox-message.js';
import type { OutboxStore } from './outbox.store.js';

export interface OutboxDispatcherOptions {
  /** How often the outbox is read when no committed step wakes the dispatcher. */
  pollMs: number;
  batchSize: number;
  /** Failed sends after which a message is given up: it stays in the outbox, unsent. */
  maxAttempts: number;
  /** Wait before a failed message is tried again; doubles with each attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const defaultDispatcherOptions: OutboxDispatcherOptions = {
  pollMs: 5000,
  batchSize: 50,
  maxAttempts: 10,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
};

type Outcome = 'sent' | 'failed' | 'unavailable';

/**
 * Sends the emails that steps queued in the outbox. The row was written with its step, so a
 * crash between commit and send loses nothing; a crash between send and markSent sends it again,
 * which is why the transport carries the row's idempotency key.
 */
export class OutboxDispatcher {
  private readonly options: OutboxDispatcherOptions;
  private handle: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  /** A step queued mail while a tick was running; run another one straight after. */
  private woken = false;
  private running: Promise<number> | null = null;
  /** Earliest time (ms) a failed message is tried again; in memory, so a restart retries at once. */
  private readonly retryAt = new Map<string, number>();
  private readonly onCommitted = (event: StepCommitted): void => {
    if (event.outbox.length > 0) this.wake();
  };

  constructor(
    private readonly outbox: OutboxStore,
    private readonly transport: MailTransport,
    private readonly events: InstanceEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<OutboxDispatcherOptions> = {},
  ) {
    this.options = { ...defaultDispatcherOptions, ...options };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.events.on('step.committed', this.onCommitted);
    this.schedule(0);
  }

  /** Stops polling; resolves once the send in progress (if any) is done and recorded. */
  async stop(): Promise<void> {
    this.started = false;
    this.events.off('step.committed', this.onCommitted);
    if (this.handle) clearTimeout(this.handle);
    this.handle = null;
    this.stopping = true;
    try {
      await this.running;
    } finally {
      this.stopping = false;
    }
  }

  /** Sends what is due, oldest first; answers how many went. Never runs twice at once. */
  tick(): Promise<number> {
    this.running ??= this.dispatch().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private wake(): void {
    if (!this.started) return;
    if (this.running) this.woken = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = setTimeout(() => {
      this.handle = null;
      void this.tick()
        .catch((err: unknown) => this.logger.error({ err }, 'outbox could not be dispatched'))
        .finally(() => {
          if (!this.started) return;
          this.schedule(this.woken ? 0 : this.options.pollMs);
          this.woken = false;
        });
    }, delayMs);
  }

  private async dispatch(): Promise<number> {
    const { batchSize, maxAttempts } = this.options;
    let sent = 0;
    const seen = new Set<string>();
    for (;;) {
      // Messages that failed stay at the head of the oldest-first list: read past the ones seen.
      const batch = (await this.outbox.pending(seen.size + batchSize, maxAttempts)).filter((message) => !seen.has(message.id));
      if (batch.length === 0) return sent;
      for (const message of batch) {
        if (this.stopping) return sent;
        seen.add(message.id);
        if ((this.retryAt.get(message.id) ?? 0) > this.clock.now().getTime()) continue;
        const outcome = await this.deliver(message);
        if (outcome === 'sent') sent++;
        // The next message would meet the same unreachable server; the next poll tries again.
        if (outcome === 'unavailable') return sent;
      }
    }
  }

  private async deliver(message: OutboxMessage): Promise<Outcome> {
    const mail = toMail(message);
    if (typeof mail === 'string') return this.failed(message, mail);
    try {
      await this.transport.send(mail);
    } catch (err) {
      if (err instanceof MailTransportUnavailableError) {
        this.logger.warn({ err, outboxId: message.id }, 'mail server unavailable; queued emails wait for the next poll');
        return 'unavailable';
      }
      return this.failed(message, err instanceof Error ? err.message : String(err));
    }
    await this.outbox.markSent(message.id, this.clock.now());
    this.retryAt.delete(message.id);
    this.logger.info({ outboxId: message.id, instanceId: message.instanceId }, 'email sent');
    return 'sent';
  }

  private async failed(message: OutboxMessage, error: string): Promise<Outcome> {
    await this.outbox.markFailed(message.id, error);
    const attempts = message.attempts + 1;
    const context = { outboxId: message.id, instanceId: message.instanceId, attempts, error };
    if (attempts >= this.options.maxAttempts) {
      this.retryAt.delete(message.id);
      this.logger.error(context, 'email given up: it stays in the outbox unsent');
    } else {
      const { retryBaseMs, retryMaxMs } = this.options;
      this.retryAt.set(message.id, this.clock.now().getTime() + Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs));
      this.logger.warn(context, 'email not sent; will retry');
    }
    return 'failed';
  }
}

function toMail(message: OutboxMessage): OutgoingMail | string {
  if (message.channel !== 'email') return `unknown outbox channel '${String(message.channel)}'`;
  const { to, subject, body } = message.payload;
  if (typeof to !== 'string' || typeof subject !== 'string' || typeof body !== 'string') {
    return 'malformed email: to, subject and body must be text';
  }
  const attachments = attachmentsOf(message.payload['attachments']);
  if (typeof attachments === 'string') return attachments;
  return { to, subject, body, idempotencyKey: message.idempotencyKey, ...(attachments.length ? { attachments } : {}) };
}

function attachmentsOf(value: unknown): MailAttachment[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'malformed email: attachments must be a list';
  const files: MailAttachment[] = [];
  for (const item of value as unknown[]) {
    const { filename, contentType, contentBase64 } = (item ?? {}) as Record<string, unknown>;
    if (typeof filename !== 'string' || typeof contentType !== 'string' || typeof contentBase64 !== 'string') return 'malformed email: an attachment needs filename, contentType and contentBase64';
    files.push({ filename, contentType, contentBase64 });
  }
  return files;
}
