import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Baton } from '../../server/baton.js';
import type { LiveHub } from '../../server/live/live-hub.js';
import { TEST_ADMIN, TEST_PASSWORD } from './harness.js';

export interface HttpResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface Client {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse>;
}

export interface Http extends Client {
  baseUrl: string;
  /** The live inbox on this server. */
  live: LiveHub;
  /** The test admin's bearer token (what `request` sends). */
  token(): Promise<string>;
  /** A client signed in as this user with a bearer token (password TEST_PASSWORD unless given). */
  as(username: string, password?: string): Promise<Client & { token: string }>;
  /** A client that sends no credentials. */
  anonymous: Client;
  /** Signs in with a session cookie; requests send the cookie and, for changes, the CSRF header. */
  session(username: string, password?: string): Promise<Client & { cookie: string; csrfToken: string }>;
  close(): Promise<void>;
}

async function send(baseUrl: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<HttpResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (typeof body === 'string') {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
  }
  return readResponse(await fetch(`${baseUrl}${path}`, init));
}

/** A fetch response as tests look at it: the body parsed as JSON when it is JSON, else the text. */
export async function readResponse(response: Response): Promise<HttpResponse> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** Signs in at `route` (token or session login); fails unless the server accepted. */
async function signInAt(baseUrl: string, route: string, username: string, password: string): Promise<HttpResponse> {
  const res = await send(baseUrl, 'POST', route, { username, password }, {});
  if (res.status >= 300) throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
  return res;
}

/** A bearer token of `username` from the Baton at `baseUrl` (POST /api/auth/token). */
export async function signInToken(baseUrl: string, username: string, password: string): Promise<string> {
  return ((await signInAt(baseUrl, '/api/auth/token', username, password)).body as { token: string }).token;
}

/**
 * The Baton on a real listening socket on loopback (with the live inbox attached), called with
 * real HTTP. `request` is signed in as the test admin with a bearer token. Suites do not call
 * this: their server comes from test-server.ts, which listens with it.
 */
export async function listen(baton: Baton): Promise<Http> {
  const server: Server = await new Promise((resolve) => {
    const s = baton.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const live = baton.attachLive(server);
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const bearer = (token: string): Client => ({
    request: (method, path, body, headers = {}) => send(baseUrl, method, path, body, { authorization: `Bearer ${token}`, ...headers }),
  });
  let adminToken: Promise<string> | null = null;
  const token = () => {
    adminToken ??= signInToken(baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
    return adminToken;
  };
  return {
    baseUrl,
    live,
    token,
    async request(method, path, body, headers = {}) {
      return bearer(await token()).request(method, path, body, headers);
    },
    async as(username, password = TEST_PASSWORD) {
      const secret = await signInToken(baseUrl, username, password);
      return { ...bearer(secret), token: secret };
    },
    anonymous: { request: (method, path, body, headers = {}) => send(baseUrl, method, path, body, headers) },
    async session(username, password = TEST_PASSWORD) {
      const res = await signInAt(baseUrl, '/api/auth/login', username, password);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = res.body as { csrfToken: string };
      return {
        cookie,
        csrfToken,
        request: (method, path, body, headers = {}) => send(baseUrl, method, path, body, { cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }), ...headers }),
      };
    },
    async close() {
      // Live sockets are upgraded connections server.close() would wait for.
      await live.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
