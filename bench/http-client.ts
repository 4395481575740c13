/**
 * The load generator of bench/http-throughput.ts as its own process, the way HTTP servers are
 * measured (wrk, autocannon): the client's fetch, JSON and sockets then cost the server's core
 * nothing, and the figure is what Baton serves on its core. Told over IPC what to run; answers
 * with the timing.
 */
import { httpCycle } from './http-throughput.js';
import { timeCycles } from './fixtures.js';

export type ToClient = { type: 'run'; baseUrl: string; token: string; processKey: string; count: number; concurrency: number } | { type: 'stop' };
export type FromClient = { type: 'ready' } | { type: 'done'; perSec: number; ms: number } | { type: 'error'; message: string };

const send = (message: FromClient): void => {
  process.send?.(message);
};

process.on('message', (message: ToClient) => {
  if (message.type === 'stop') {
    process.disconnect?.();
    return;
  }
  timeCycles(message.count, message.concurrency, httpCycle(message.baseUrl, message.processKey, message.token)).then(
    (timing) => send({ type: 'done', perSec: timing.perSec, ms: timing.ms }),
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
send({ type: 'ready' });
