/**
 * The one place the browser app talks to Baton's HTTP API. Every call is same-origin with the
 * session cookie (`credentials: 'same-origin'`) and the session's CSRF token; a 401 (the session
 * expired or was signed out elsewhere) sends the browser to the sign-in page.
 */
import type { ErrorBody, ErrorIssue } from '../../../server/contracts/common.js';
import type { DeployAnswer } from '../../../server/contracts/definitions.js';
import type { DepartmentView as Department } from '../../../server/contracts/departments.js';
import type {
  BpmnErrorBody,
  CommentBody,
  CompleteTaskBody,
  EscalationBody,
  HandOverBody,
  PassUpBody,
  ResumeSlaBody,
  TaskProblems,
  VersionOnlyBody,
  WaitOnCustomerBody,
} from '../../../server/contracts/tasks.js';
import type { DefinitionSummary } from '../../../server/definitions/definition.js';
import type { TaskView } from '../../../server/tasks/task-sla.js';
import { csrfToken, goToLogin } from './session.js';

export type { DefinitionSummary, DeployAnswer, Department, ErrorIssue, TaskProblems, TaskView };

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
    // The server's error answers follow ErrorBody; anything else (a proxy's page) is shown as text.
    let error: Partial<ErrorBody['error']> = {};
    try {
      error = (JSON.parse(text) as Partial<ErrorBody>).error ?? {};
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

/** A body typed by its contract: the compiler checks what a page sends against what the route parses. */
const body = <B>(value: B): { json: B } => ({ json: value });

export const api = {
  definitions: () => json<DefinitionSummary[]>('GET', '/api/definitions'),
  versions: (key: string) => json<DefinitionSummary[]>('GET', `/api/definitions/${enc(key)}/versions`),
  xml: async (key: string, version: number) => (await request('GET', `/api/definitions/${enc(key)}/versions/${version}/xml`)).text(),
  deploy: (xml: string) => json<DeployAnswer>('POST', '/api/definitions', { xml }),
  form: (key: string, version: number, formKey: string) => json<Record<string, unknown>>('GET', `/api/definitions/${enc(key)}/versions/${version}/forms/${enc(formKey)}`),
  departments: () => json<Department[]>('GET', '/api/departments'),
  connectors: () => json<{ name: string }[]>('GET', '/api/connectors'),
  /** What the signed-in user sees: their departments' open tasks and their own (the server caps a page at 500). */
  openTasks: () => json<TaskView[]>('GET', '/api/tasks?status=open&limit=500'),
  /** One task, with the BPMN errors and escalations a person may report on it. */
  task: (id: string) => json<TaskView & TaskProblems>('GET', `/api/tasks/${enc(id)}`),
  claim: (id: string, version: number) => json<TaskView>('POST', `/api/tasks/${enc(id)}/claim`, body<VersionOnlyBody>({ version })),
  release: (id: string, version: number) => json<TaskView>('POST', `/api/tasks/${enc(id)}/release`, body<VersionOnlyBody>({ version })),
  complete: (id: string, version: number, variables: Record<string, unknown>) => json<TaskView>('POST', `/api/tasks/${enc(id)}/complete`, body<CompleteTaskBody>({ version, variables })),
  /** The ticket's SLA clocks stop while it waits on the customer / run again (issue 16). */
  waitOnCustomer: (id: string, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/wait-on-customer`, body<WaitOnCustomerBody>({ reason })),
  resumeSla: (id: string, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/resume`, body<ResumeSlaBody>(reason ? { reason } : {})),
  passUp: (id: string, version: number, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/pass-up`, body<PassUpBody>({ version, reason })),
  handOver: (id: string, version: number, target: Pick<HandOverBody, 'department' | 'assignee'>, reason: string) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/hand-over`, body<HandOverBody>({ version, reason, ...target })),
  comment: (id: string, version: number, text: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/comments`, body<CommentBody>({ version, text })),
  /** Ends the task with a BPMN error the diagram catches on it. */
  bpmnError: (id: string, version: number, errorCode: string, reason: string) => json<TaskView>('POST', `/api/tasks/${enc(id)}/bpmn-error`, body<BpmnErrorBody>({ version, errorCode, reason })),
  /** Raises an escalation a boundary event on the task catches. */
  escalate: (id: string, version: number, escalationCode: string, reason: string) =>
    json<TaskView>('POST', `/api/tasks/${enc(id)}/escalation`, body<EscalationBody>({ version, escalationCode, reason })),
};
