import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefundEndpoint {
  /** Where the payment process's refund webhook posts (`refundWebhookUrl`). */
  url: string;
  /** Requests received so far. */
  readonly calls: number;
  /** Each request's body as received (text) and its content type, in order. */
  readonly requests: { body: string; contentType: string | undefined; idempotencyKey: string | undefined }[];
  close(): Promise<void>;
}

/** A loopback payment provider that answers every refund request with 200 `{"ok":true}`. */
export async function refundEndpoint(): Promise<RefundEndpoint> {
  let calls = 0;
  const requests: { body: string; contentType: string | undefined; idempotencyKey: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      calls++;
      const key = req.headers['idempotency-key'];
      requests.push({ body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'], idempotencyKey: Array.isArray(key) ? key[0] : key });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/refunds`,
    get calls() {
      return calls;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
