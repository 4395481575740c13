import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefundEndpoint {
  /** Where the payment process's refund webhook posts (`refundWebhookUrl`). */
  url: string;
  /** Requests received so far. */
  readonly calls: number;
  close(): Promise<void>;
}

/** A loopback payment provider that answers every refund request with 200 `{"ok":true}`. */
export async function refundEndpoint(): Promise<RefundEndpoint> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
