/** The customer pages' wire contract, shared with the browser (types only: it imports this file with `import type`). */
import type { TaskFormField } from '../tasks/task.js';
import type { UploadField } from './form-fields.js';
import type { FieldStatus } from '../field/field-status.js';

/** One stage the ticket went through, in customer words. */
export interface StatusHistoryEntry {
  stage: string;
  /** The department's name; `You` when it waited on the customer. */
  department: string | null;
  from: string;
  to: string | null;
}

/** A task that waits on the customer: its form. */
export interface WaitingTask {
  taskId: string;
  version: number;
  stage: string;
  schema: Record<string, unknown> | null;
  fields: TaskFormField[];
  uploads: UploadField[];
  expectedBy: string | null;
}

/**
 * The status page's data (`GET /api/public/status/:token`, and the server-rendered page). It is
 * all a customer ever sees: no ids of people, no comments, no variables the process did not mark public.
 */
export interface StatusView {
  ticketNumber: string;
  title: string;
  status: 'open' | 'done' | 'closed';
  stage: string;
  department: string | null;
  since: string;
  /** The SLA due time of the current stage. */
  expectedBy: string | null;
  history: StatusHistoryEntry[];
  waitingOnYou: WaitingTask[];
  /** Public variables only (`publicVariables`, else the intake form's fields). */
  details: Record<string, unknown>;
  outcome: string | null;
  feedback: { rating: number; comment: string; at: string } | null;
  feedbackWanted: boolean;
  updatedAt: string;
  /** Field service: the technician coming and the invoice (absent for other processes). */
  field?: FieldStatus;
}

/** `GET /api/public/processes/:key/intake`: the request page's form. */
export interface IntakeForm {
  processKey: string;
  title: string;
  /** The start event's form-js schema; null when the process uses camunda:formData (`fields`). */
  schema: Record<string, unknown> | null;
  fields: TaskFormField[];
  /** Send back unchanged as `formStamp`. */
  formStamp: string;
  /** Leave this field empty (the page hides it). */
  honeypot: string;
}

/** `POST /api/public/processes/:key/requests` → 201. */
export interface IntakeAnswer {
  ticketNumber: string;
  /** The private status link's token: shown once, never stored. */
  token: string;
  statusUrl: string;
  statusPath: string;
}

/** The Socket.IO namespace of the status pages: `io('/status', { auth: { token } })`, read-only. */
export const STATUS_NAMESPACE = '/status';

export interface StatusServerEvents {
  /** The ticket moved: fetch the status again. */
  'status:changed': (event: { updatedAt: string }) => void;
}
