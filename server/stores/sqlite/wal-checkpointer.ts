import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import type Database from 'better-sqlite3';

/** What one checkpoint did. */
export interface CheckpointResult {
  /** Pages in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints; 0 = only on checkpointNow (tests). */
  everyMs: number;
}

/** The WAL size (pages) at which the main connection checkpoints itself: ~40 MB, reached only if the worker falls far behind. */
export const BACKSTOP_PAGES = 10_000;

// CommonJS, evaluated by the worker: it loads the same better-sqlite3 the store uses (path passed in).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const messageOf = (error) => String(error && error.message ? error.message : error);
let db = null;
let openError = null;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  // Never wait: a checkpoint that finds the database busy is simply tried again at the next tick.
  db.pragma('busy_timeout = 0');
} catch (error) {
  openError = messageOf(error);
}
parentPort.on('message', (message) => {
  if (message === 'close') {
    if (db) db.close();
    parentPort.close();
    return;
  }
  if (!db) return parentPort.postMessage({ error: openError });
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: row.log, checkpointed: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: messageOf(error) });
  }
});
`;

type WorkerReply = CheckpointResult | { error: string };

/**
 * The WAL's pages copied back into the database file by a worker thread, off the event loop.
 *
 * Why: with SQLite's automatic checkpoint, the commit that crosses 1,000 WAL pages copies them
 * into the file and syncs it, inside a step's transaction on the main thread. A step writes ~25
 * pages (the instance, its tasks, 13 audit rows and their indexes), so that happened every ~20
 * instances and cost ~0.5 ms per instance (docs/benchmarks.md, issue 20, third stop). A PASSIVE checkpoint from
 * another connection never blocks writers, and copying once a second writes a page changed by
 * many steps once. The main connection keeps an automatic checkpoint far above the worker's pace
 * as a backstop, so the WAL stays bounded even if the worker stops.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout | null;
  private readonly waiting: ((reply: WorkerReply) => void)[] = [];
  private running = false;
  private closed = false;
  private exited = false;
  /** The last failure the worker reported (a busy database, a removed file), for diagnosis. */
  lastError: string | null = null;

  private constructor(file: string, options: WalCheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file } });
    // A CLI that opened the store must still exit when its work is done.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      this.lastError = 'error' in reply ? reply.error : null;
      this.waiting.shift()?.(reply);
      if (!this.waiting.length && !this.closed) this.worker.unref();
    });
    this.worker.on('error', (error: Error) => {
      this.lastError = error.message;
    });
    this.worker.on('exit', () => {
      this.exited = true;
      for (const settle of this.waiting.splice(0)) settle({ error: this.lastError ?? 'the checkpoint worker stopped' });
    });
    this.timer = options.everyMs > 0 ? setInterval(() => void this.tick(), options.everyMs) : null;
    this.timer?.unref();
  }

  /** Hands `db`'s checkpoints to a worker on the same file; `db` keeps only the backstop. */
  static start(db: Database.Database, file: string, options: WalCheckpointerOptions = { everyMs: 1000 }): WalCheckpointer {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    return new WalCheckpointer(file, options);
  }

  /** One checkpoint now, answered by the worker; rejects with its error. */
  async checkpointNow(): Promise<CheckpointResult> {
    const reply = await this.ask();
    if ('error' in reply) throw new Error(`WAL checkpoint failed: ${reply.error}`);
    return reply;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Someone awaits this: the worker keeps the process alive until it has closed its connection.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }

  private async tick(): Promise<void> {
    // One checkpoint at a time: a slow disk must not pile requests up.
    if (this.running) return;
    this.running = true;
    try {
      await this.ask();
    } finally {
      this.running = false;
    }
  }

  private ask(): Promise<WorkerReply> {
    if (this.closed || this.exited) return Promise.resolve({ error: this.exited ? (this.lastError ?? 'the checkpoint worker stopped') : 'the store is closed' });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      // An answer is awaited: the process stays up for it (the worker is unreferenced otherwise).
      this.worker.ref();
      this.worker.postMessage('checkpoint');
    });
  }
}
