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
  private readonly clients = new Set<pg.Client>();

  constructor(
    options: PgPoolOptions,
    /** Per schema: nodes of another store in the same database do not hear these events. */
    private readonly channelPrefix: string,
  ) {
    this.pool = createPool({ ...options, max: 3 });
    this.pool.on('connect', (client) => this.clients.add(client));
    this.pool.on('remove', (client) => this.clients.delete(client));
  }

  adapter(): SocketAdapter {
    return createAdapter(this.pool, { channelPrefix: this.channelPrefix, tableName: 'socket_io_attachments', heartbeatInterval: 5000, heartbeatTimeout: 10_000 }) as unknown as SocketAdapter;
  }

  /**
   * The adapter may still hold its listening connection (it re-acquires one after a database
   * outage, even after being closed): the pool waits a second for it, then its socket is closed.
   */
  async close(): Promise<void> {
    const ended = this.pool.end().catch(() => undefined);
    const waited = await Promise.race([ended.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref())]);
    if (!waited) for (const client of this.clients) await client.end().catch(() => undefined);
  }
}
