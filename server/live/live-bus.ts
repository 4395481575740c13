import type { ServerOptions } from 'socket.io';

/** What socket.io takes as `adapter` (its own type is not exported by name). */
export type SocketAdapter = NonNullable<Partial<ServerOptions>['adapter']>;

/**
 * Fan-out of live events between the nodes that share one database: a task created through
 * node A reaches a browser connected to node B. The store provides it (PostgreSQL: LISTEN/NOTIFY
 * through @socket.io/postgres-adapter); a store only one node uses has none.
 */
export interface LiveBus {
  /** The socket.io adapter every namespace of this node uses. */
  adapter(): SocketAdapter;
  close(): Promise<void>;
}
