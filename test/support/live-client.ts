import { io, type Socket } from 'socket.io-client';

import { INBOX_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../server/live/live-events.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Received {
  event: keyof ServerToClientEvents;
  payload: unknown;
  at: number;
}

export interface LiveClient {
  socket: LiveSocket;
  /** Every event received so far, in order. */
  received: Received[];
  /** Resolves with the first event (already received or still to come) that matches. */
  waitFor(event: keyof ServerToClientEvents, match?: (payload: never) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

/** A real socket.io-client connected to a test server; `auth` is a bearer token or a Cookie header. */
export async function connectLive(baseUrl: string, auth: { token: string } | { cookie: string }): Promise<LiveClient> {
  const socket: LiveSocket = io(`${baseUrl}${INBOX_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...('token' in auth ? { auth: { token: auth.token } } : { extraHeaders: { cookie: auth.cookie } }),
  });
  const received: Received[] = [];
  const listeners: (() => void)[] = [];
  for (const event of ['task:created', 'task:updated', 'task:removed', 'notification:new', 'notification:read'] as const) {
    socket.on(event, (payload: unknown) => {
      received.push({ event, payload, at: Date.now() });
      for (const listener of [...listeners]) listener();
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return {
    socket,
    received,
    waitFor(event, match = () => true, timeoutMs = 2000) {
      const find = () => received.find((item) => item.event === event && match(item.payload as never));
      const found = find();
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.splice(listeners.indexOf(check), 1);
          reject(new Error(`no ${event} within ${timeoutMs} ms; got ${JSON.stringify(received.map((item) => item.event))}`));
        }, timeoutMs);
        const check = () => {
          const hit = find();
          if (!hit) return;
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(check), 1);
          resolve(hit);
        };
        listeners.push(check);
      });
    },
    close: () => {
      socket.disconnect();
    },
  };
}

/** A connection attempt that must fail: resolves with the error message. */
export async function refusedLive(baseUrl: string, auth: Record<string, string>, extraHeaders: Record<string, string> = {}, namespace = INBOX_NAMESPACE): Promise<string> {
  const socket = io(`${baseUrl}${namespace === '/' ? '' : namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth, extraHeaders });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the connection was accepted')));
      socket.once('connect_error', (err) => resolve(err.message));
    });
  } finally {
    socket.disconnect();
  }
}

/** Waits a moment so that an event that should not arrive would have. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
