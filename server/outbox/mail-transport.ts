export interface MailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** One email as the outbox hands it to a transport. */
export interface OutgoingMail {
  to: string;
  subject: string;
  body: string;
  /** Files sent with the email (an invoice PDF), base64 in the outbox row. */
  attachments?: MailAttachment[];
  /** Stable across retries of the same outbox row, so a receiver can drop a duplicate delivery. */
  idempotencyKey: string;
}

/** Where queued emails leave Baton (SMTP in production, a local server in tests). */
export interface MailTransport {
  /** Resolves once the server accepted the message; rejects when it did not. */
  send(message: OutgoingMail): Promise<void>;
  close?(): Promise<void>;
}

/**
 * The server could not be reached or would not talk to Baton (connection, TLS, sign-in). Says
 * nothing about the message, so it does not count against the message's attempts: an outage
 * must not use up the retries of every email queued meanwhile.
 */
export class MailTransportUnavailableError extends Error {
  override readonly name = 'MailTransportUnavailableError';
}
