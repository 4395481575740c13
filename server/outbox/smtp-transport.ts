import { createHash } from 'node:crypto';

import nodemailer, { type Transporter } from 'nodemailer';

import { MailTransportUnavailableError, type MailTransport, type OutgoingMail } from './mail-transport.js';

export interface SmtpTransportOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (TLS). */
  url: string;
  /** Sender, e.g. `Baton <baton@example.org>`. */
  from: string;
  /** Bounds connecting and the greeting; a stalled socket gets twice as long. */
  timeoutMs?: number;
}

export const IDEMPOTENCY_HEADER = 'X-Baton-Idempotency-Key';

/** nodemailer codes for failures of the connection or the session rather than of one message. */
const SERVER_FAILURES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'EPROXY']);

/** Sends each email over its own SMTP session (nodemailer without pooling). */
export class SmtpTransport implements MailTransport {
  private readonly mailer: Transporter;
  private readonly domain: string;

  constructor(options: SmtpTransportOptions) {
    // nodemailer's defaults (2 min to connect, 10 min idle) would hold shutdown, which waits for
    // the send in progress, far too long.
    const timeout = options.timeoutMs ?? 10_000;
    this.mailer = nodemailer.createTransport({ url: options.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: 2 * timeout }, { from: options.from });
    this.domain = /@([^\s@<>]+)>?\s*$/.exec(options.from)?.[1] ?? 'baton.localhost';
  }

  async send(message: OutgoingMail): Promise<void> {
    try {
      await this.mailer.sendMail({
        to: message.to,
        subject: message.subject,
        text: message.body,
        attachments: message.attachments?.map((file) => ({ filename: file.filename, contentType: file.contentType, content: Buffer.from(file.contentBase64, 'base64') })),
        // A retry of the same row carries the same Message-ID too, which mail clients dedupe on.
        messageId: `<${createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32)}@${this.domain}>`,
        headers: { [IDEMPOTENCY_HEADER]: message.idempotencyKey },
      });
    } catch (err) {
      if (isServerFailure(err)) throw new MailTransportUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
      throw err;
    }
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}

function isServerFailure(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && SERVER_FAILURES.has(code);
}
