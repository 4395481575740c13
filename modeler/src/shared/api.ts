/**
 * The one place the browser app talks to Baton's HTTP API. Every call is same-origin with the
 * session cookie (`credentials: 'same-origin'`) and the session's CSRF token; a 401 (the session
 * expired or was signed out elsewhere) sends the browser to the sign-in page.
 */
import type { DefinitionSummary } from '../../../server/definitions/definition.js';
import type { ErrorIssue } from '../../../server/errors.js';
import type { TaskView } from '../../../server/tasks/task-sla.js';
import { csrfToken, goToLogin } from './session.js';

export type { DefinitionSummary, ErrorIssue, TaskView };

/** An API error with the server's `{ error: { code, message, issues } }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ErrorIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = csrfToken();
  return { accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}), ...extra };
}

export async function request(method: string, url: string, body?: { json: unknown } | { xml: string }): Promise<Response> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: headers() };
  if (body && 'json' in body) {
    init.body = JSON.stringify(body.json);
    init.headers = headers({ 'content-type': 'application/json' });
  } else if (body) {
    init.body = body.xml;
    init.headers = headers({ 'content-type': 'application/xml' });
  }
  const response = await fetch(url, init);
  if (response.status === 401) goToLogin();
  if (!response.ok) {
    const text = await response.text();
    let error: { code?: string; message?: string; issues?: ErrorIssue[] } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not JSON: the status text says it
    }
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? (text || response.statusText), error.issues ?? []);
  }
  return response;
}

export async function json<T>(method: string, url: string, body?: { json: unknown } | { xml: string }): Promise<T> {
  return (await (await request(method, url, body)).json()) as T;
}

const enc = encodeURIComponent;

export interface DeployResponse {
  key: string;
  version: number;
  id: string;
  name: string;
  created: boolean;
  warnings: ErrorIssue[];
}

export interface Department {
  id: string;
  name: string;
  parentId: string | null;
  /** The business calendar its SLAs count in (issue 16). */
  calendarId?: string | null;
}

export const api = {
  definitions: () => json<DefinitionSummary[]>('GET', '/api/definitions'),
  versions: (key: string) => json<DefinitionSummary[]>('GET', `/api/definitions/${enc(key)}/versions`),
  xml: async (key: string, version: number) => (await request('GET', `/api/definitions/${enc(key)}/versions/${version}/xml`)).text(),
  deploy: (xml: string) => json<DeployResponse>('POST', '/api/definitions', { xml }),
  form: (key: string, version: number, formKey: string) =>
    json<Record<string, unknown>>('GET', `/api/definitions/${enc(key)}/versions/${version}/forms/${enc(formKey)}`),
  departments: () => json<Department[]>('GET', '/api/departments'),
  connectors: () => json<{ name: string }[]>('GET', '/api/connectors'),
  /** What the signed-in user sees: their departments' open tasks and their own (the server caps a page at 500). */
  openTasks: () => json<TaskView[]>('GET', '/api/tasks?status=open&limit=500'),
  task: (id: string) => json<TaskView>('GET', `/api/tasks/${enc(id)}`),
  claim: (id: string, version: number) => json<TaskView>('POST', `/api/tasks/${enc(id)}/claim`, { json: { version } }),
  release: (id: string, version: number) => json<TaskView>('POST', `/api/tasks/${enc(id)}/release`, { json: { version } }),
  complete: (id: string, version: number, variables: Record<string, unknown>) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/complete`, { json: { version, variables } }),
  /** The ticket's SLA clocks stop while it waits on the customer / run again (issue 16). */
  waitOnCustomer: (id: string, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/wait-on-customer`, { json: { reason } }),
  resumeSla: (id: string, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/resume`, { json: reason ? { reason } : {} }),
  passUp: (id: string, version: number, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/pass-up`, { json: { version, reason } }),
  handOver: (id: string, version: number, target: { department?: string; assignee?: string }, reason: string) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/hand-over`, { json: { version, reason, ...target } }),
  comment: (id: string, version: number, text: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/comments`, { json: { version, text } }),
  /** Ends the task with a BPMN error the diagram catches on it. */
  bpmnError: (id: string, version: number, errorCode: string, reason: string) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/bpmn-error`, { json: { version, errorCode, reason } }),
  /** Raises an escalation a boundary event on the task catches. */
  escalate: (id: string, version: number, escalationCode: string, reason: string) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/escalation`, { json: { version, escalationCode, reason } }),
};
