import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * bcrypt in worker threads. bcryptjs is pure JavaScript: on the main thread every compare blocks
 * the event loop in ~100 ms slices, so a burst of sign-ins (each a compare at cost 12) starved
 * every other request (/health took 7–12 s). The workers are shared by the process, started on
 * first use and unref'd while idle (they never keep it alive); jobs beyond the pool wait in BoundedWork.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, op, password, hash, cost }) => {
  try {
    const result = op === 'hash' ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash);
    parentPort.postMessage({ id, result });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
interface Reply {
  id: number;
  result?: string | boolean;
  error?: string;
}

const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');

class BcryptWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: string | boolean) => void; reject: (err: Error) => void }>();
  private nextId = 1;

  constructor() {
    // eval: plain CommonJS, so it runs alike from the TypeScript sources and the built dist/.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath }, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (!waiter) return;
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.result ?? false);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', () => this.failAll(new Error('bcrypt worker exited')));
  }

  get busy(): number {
    return this.pending.size;
  }

  run(job: Job): Promise<string | boolean> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Referenced while a job is out, so a CLI awaiting a hash is not left without an event loop.
      this.worker.ref();
      this.worker.postMessage({ id, ...job });
    });
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
    workers = workers.filter((worker) => worker !== this);
  }
}

let workers: BcryptWorker[] = [];
/** Two cores is the machine Baton is sized for; more threads would only take CPU from requests. */
export const BCRYPT_THREADS = 2;

/** The least busy worker (started on demand up to BCRYPT_THREADS). */
function worker(): BcryptWorker {
  const idle = workers.find((candidate) => candidate.busy === 0);
  if (idle) return idle;
  if (workers.length < BCRYPT_THREADS) {
    const started = new BcryptWorker();
    workers.push(started);
    return started;
  }
  return workers.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
}

export async function bcryptHash(password: string, cost: number): Promise<string> {
  return String(await worker().run({ op: 'hash', password, cost }));
}

export async function bcryptCompare(password: string, hash: string): Promise<boolean> {
  return (await worker().run({ op: 'compare', password, hash })) === true;
}
