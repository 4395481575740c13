import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  rcptTo: string[];
  /** Header names lower-cased, folded lines joined. */
  headers: Map<string, string>;
  body: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it accepts, for tests of the outbox. */
export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** Recipient attempts seen, accepted or not: shows whether the sender connected at all. */
  rcptAttempts: number;
  /** When set, every recipient is refused with this reply (e.g. 550). */
  rejectWith: { code: number; message: string } | null;
  /** Held before the message is accepted, to catch a send in progress. */
  dataDelayMs: number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    received: [],
    rcptAttempts: 0,
    rejectWith: null,
    dataDelayMs: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onRcptTo(_address, _session, callback) {
      sink.rcptAttempts++;
      if (!sink.rejectWith) return callback();
      callback(Object.assign(new Error(sink.rejectWith.message), { responseCode: sink.rejectWith.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        setTimeout(() => {
          sink.received.push({ rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), ...parse(Buffer.concat(chunks).toString('utf8')) });
          callback();
        }, sink.dataDelayMs);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

/**
 * Enough of RFC 5322 for the single-part text messages Baton sends: headers unfolded and their
 * encoded words (RFC 2047, UTF-8 Base64 or Q) decoded, the body decoded from quoted-printable or
 * Base64 (non-ASCII texts, e.g. a Russian email), so tests compare the text a person reads.
 */
function parse(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const body = raw.slice(split + 4).replace(/\r\n$/, '');
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return { headers, body: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8').replace(/\r\n/g, '\n') };
  if (encoding === 'quoted-printable') return { headers, body: quotedPrintable(body.replace(/=\r\n/g, '')).replace(/\r\n/g, '\n') };
  return { headers, body };
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : quotedPrintable(text.replace(/_/g, ' ')),
    );
}
