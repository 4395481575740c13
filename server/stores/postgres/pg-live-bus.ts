import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';

import type { LiveBus, SocketAdapter } from '../../live/live-bus.js';
import { createPool, type PgPoolOptions } from './pg-pool.js';

/**
 * Socket.IO across nodes on PostgreSQL: @socket.io/postgres-adapter publishes every room emit with
 * NOTIFY (large payloads through the socket_io_attachments table, migration `live`) and listens on
 * one connection. Its own small pool, so the listening connection never starves the store's steps.
 */
export class PgLiveBus implements LiveBus {
  private readonly pool: pg.Pool;

  constructor(
    options: PgPoolOptions,
    /** Per schema: nodes of another store in the same database do not hear these events. */
    private readonly channelPrefix: string,
  ) {
    this.pool = createPool({ ...options, max: 3 });
  }

  adapter(): SocketAdapter {
    return createAdapter(this.pool, { channelPrefix: this.channelPrefix, tableName: 'socket_io_attachments', heartbeatInterval: 5000, heartbeatTimeout: 10_000 }) as unknown as SocketAdapter;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
