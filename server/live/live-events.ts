/**
 * The live inbox's wire contract, shared by the server and the browser (types only: the browser
 * imports this file with `import type`). Events are hints: a client re-syncs from REST
 * (`GET /api/tasks`) on connect and reconnect, and trusts REST over any event.
 */

import type { NotificationView } from '../notifications/notification.js';
import type { SlaState } from '../tasks/task-sla.js';

export type LiveSla = SlaState | null;

/** A task as the inbox shows it. */
export interface LiveTask {
  id: string;
  instanceId: string;
  ticketNumber: string;
  processKey: string;
  elementId: string;
  name: string;
  status: 'open' | 'completed' | 'cancelled';
  department: string | null;
  assignee: string | null;
  priority: number | null;
  dueAt: string | null;
  warnAt: string | null;
  sla: LiveSla;
  formKey: string | null;
  createdAt: string;
  /** The task's version: an event older than what the client holds is stale and ignored. */
  version: number;
}

/** Why a task changed. */
export type TaskChange = 'claimed' | 'released' | 'passed-up' | 'handed-over' | 'escalated' | 'sla' | 'changed';

export interface TaskCreatedEvent {
  task: LiveTask;
  version: number;
}

export interface TaskUpdatedEvent {
  task: LiveTask;
  version: number;
  change: TaskChange;
}

/** `moved`: the task left what this client may see (passed up, handed over), it still exists. */
export interface TaskRemovedEvent {
  taskId: string;
  version: number;
  reason: 'completed' | 'cancelled' | 'moved';
}

export interface LiveError {
  /** `issues`: what was wrong with the input, one entry per problem (as in REST error bodies). */
  error: { code: string; message: string; issues?: { elementId: string | null; message: string }[] };
}

export type TaskAck = { ok: true; task: LiveTask } | LiveError;
export type JoinAck = { ok: true; room: string } | LiveError;

/** The customer wrote on a ticket's status page: to the owners of its open tasks (else their departments). */
export interface CustomerRepliedEvent {
  instanceId: string;
  ticketNumber: string;
  at: string;
}

export interface ServerToClientEvents {
  'task:created': (event: TaskCreatedEvent) => void;
  'task:updated': (event: TaskUpdatedEvent) => void;
  'task:removed': (event: TaskRemovedEvent) => void;
  /** To the recipient's own room: a new notification and how many are unread now. */
  'notification:new': (event: { notification: NotificationView; unread: number }) => void;
  /** To the recipient's own room: notifications were marked read (in another tab, too). */
  'notification:read': (event: { unread: number }) => void;
  'ticket:customer-replied': (event: CustomerRepliedEvent) => void;
}

export interface TaskCommand {
  taskId: string;
  /** The version the client saw; a stale one is refused with VERSION_CONFLICT. */
  version?: number;
}

export interface ClientToServerEvents {
  'task:claim': (command: TaskCommand, ack: (answer: TaskAck) => void) => void;
  'task:release': (command: TaskCommand, ack: (answer: TaskAck) => void) => void;
  /** Joins a department's room: refused (FORBIDDEN) for a department the user is not in. */
  'inbox:join': (command: { department: string }, ack: (answer: JoinAck) => void) => void;
}

/** The Socket.IO namespace of the inbox: `io('/inbox', { auth: { token } })`. */
export const INBOX_NAMESPACE = '/inbox';

/** Room names: a department's queue, one user's tasks, and everything (admins, auditors). */
export const rooms = {
  department: (id: string) => `department:${id}`,
  user: (username: string) => `user:${username}`,
  /** Every socket of one session or token: how a revocation reaches the sockets on every node. */
  credential: (id: string) => `credential:${id}`,
  all: 'all',
} as const;
