/**
 * The inbox's Socket.IO connection (namespace /inbox, the session cookie rides along with the
 * handshake). It only tells the page that something happened: on every connect, first or after a
 * drop, the page re-syncs from REST, so events missed while away are never needed.
 */
import { io, type Socket } from 'socket.io-client';

import { INBOX_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../../server/live/live-events.js';

export type InboxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionState = 'connecting' | 'live' | 'offline';

export interface LiveHandlers {
  /** Connected (again): re-sync now. */
  connected(): void;
  state(state: ConnectionState, detail?: string): void;
  /** The server dropped the socket for good (signed out, session expired): check the session. */
  refused(): void;
}

export function connectInbox(handlers: LiveHandlers): InboxSocket {
  // A short backoff: after a network blip the inbox should be current again within seconds.
  const socket: InboxSocket = io(INBOX_NAMESPACE, { withCredentials: true, reconnectionDelay: 500, reconnectionDelayMax: 3000, transports: ['websocket'] });
  handlers.state('connecting');
  socket.on('connect', () => {
    handlers.state('live');
    handlers.connected();
  });
  socket.on('disconnect', (reason) => {
    handlers.state('offline', 'reconnecting…');
    // The server ends a socket on sign-out or expiry and socket.io does not retry then.
    if (reason === 'io server disconnect') handlers.refused();
  });
  socket.on('connect_error', () => {
    handlers.state('offline', 'reconnecting…');
    // A refused handshake (no valid session) is not retried by socket.io either.
    if (!socket.active) handlers.refused();
  });
  return socket;
}
