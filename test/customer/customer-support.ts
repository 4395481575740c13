import { readFileSync } from 'node:fs';
import path from 'node:path';

import { io, type Socket } from 'socket.io-client';

import { STATUS_NAMESPACE, type IntakeAnswer, type IntakeForm, type StatusView } from '../../server/customer/status-view.js';
import type { TestBaton } from '../support/harness.js';
import { readResponse, type Http, type HttpResponse } from '../support/http.js';

export const FIELD_SERVICE = readFileSync(path.resolve('processes/field-service.bpmn'), 'utf8');
/** The smallest real PNG: its signature is what the upload rules check. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

export const REQUEST = { equipmentId: 'PUMP-7', description: 'Leaking at the valve', customerName: 'Eva Example', customerEmail: 'eva@example.com' };

/** A customer filling in the field-service form: fetches it, takes a few seconds (the clock), sends it. */
export async function submitRequest(baton: TestBaton, http: Http, data: Record<string, unknown> = REQUEST, extra: Record<string, unknown> = {}): Promise<HttpResponse> {
  const form = await http.anonymous.request('GET', '/api/public/processes/field-service/intake');
  if (form.status !== 200) throw new Error(`intake form: ${form.status} ${form.text}`);
  baton.clock.advance(3000);
  return http.anonymous.request('POST', '/api/public/processes/field-service/requests', { data, formStamp: (form.body as IntakeForm).formStamp, website: '', ...extra });
}

export async function newTicket(baton: TestBaton, http: Http, data: Record<string, unknown> = REQUEST): Promise<IntakeAnswer> {
  const res = await submitRequest(baton, http, data);
  if (res.status !== 201) throw new Error(`intake: ${res.status} ${res.text}`);
  return res.body as IntakeAnswer;
}

export async function statusOf(http: Http, token: string): Promise<StatusView> {
  const res = await http.anonymous.request('GET', `/api/public/status/${token}`);
  if (res.status !== 200) throw new Error(`status: ${res.status} ${res.text}`);
  return res.body as StatusView;
}

/** Posts a multipart answer to a task that waits on the customer. */
export async function answer(http: Http, token: string, taskId: string, fields: Record<string, string>, files: { field: string; name: string; type: string; data: Buffer }[]): Promise<HttpResponse> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  for (const file of files) body.append(file.field, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  return readResponse(await fetch(`${http.baseUrl}/api/public/status/${token}/tasks/${taskId}`, { method: 'POST', body }));
}

export interface StatusClient {
  socket: Socket;
  changes: number;
  /** Resolves at the next `status:changed` after `since` changes were counted. */
  nextChange(since: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A real socket.io client on the status namespace with a token. */
export async function connectStatus(baseUrl: string, token: string): Promise<StatusClient> {
  const socket = io(`${baseUrl}${STATUS_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const client: StatusClient = {
    socket,
    changes: 0,
    nextChange(since, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        if (client.changes > since) return resolve();
        const timer = setTimeout(() => reject(new Error('no status:changed in time')), timeoutMs);
        socket.on('status:changed', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () => socket.close(),
  };
  socket.on('status:changed', () => {
    client.changes += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return client;
}

/** Connecting fails: resolves with the refusal's message. */
export function refusedStatus(baseUrl: string, token: unknown): Promise<string> {
  const socket = io(`${baseUrl}${STATUS_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('connected'));
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err.message);
    });
  });
}
