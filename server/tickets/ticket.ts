import type { TaskView } from '../tasks/task-sla.js';

/** Audit event types of the conversation with the customer (the audit log is where it is kept). */
export const TO_CUSTOMER = 'conversation.to-customer';
export const FROM_CUSTOMER = 'conversation.from-customer';

/** One message between staff and the customer. `author` is the staff member's username, or null for the customer. */
export interface ConversationMessage {
  seq: number;
  at: string;
  from: 'staff' | 'customer';
  author: string | null;
  text: string;
}

/** A form answer as people read it: the field's label (else its key) and the value given. */
export interface StoryAnswer {
  key: string;
  label: string;
  value: unknown;
}

/**
 * One thing that happened to a ticket, from its audit trail. `type` is the audit event type the
 * page words in its language; the rest is what that type carries.
 */
export interface StoryEntry {
  seq: number;
  at: string;
  type:
    | 'started'
    | 'task-opened'
    | 'claimed'
    | 'released'
    | 'passed-up'
    | 'handed-over'
    | 'note'
    | 'completed'
    | 'sla-breached'
    | 'to-customer'
    | 'from-customer'
    | 'closed'
    | 'cancelled'
    /** Field service: who the visit went to and why (`text`: the winner's reasons; nobody: `reason`). */
    | 'dispatched'
    | 'declined'
    | 'on-the-way'
    | 'arrived'
    | 'invoiced';
  actor: string;
  taskId: string | null;
  taskName: string | null;
  department: string | null;
  assignee: string | null;
  text: string | null;
  reason: string | null;
  answers: StoryAnswer[];
}

/** A file the customer sent with a task (download: `GET /api/instances/:id/attachments/:uploadId`). */
export interface Attachment {
  uploadId: string;
  taskId: string;
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface TicketCustomer {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** Everything about one ticket a person who may see it needs to work it. */
export interface TicketView {
  id: string;
  ticketNumber: string;
  processKey: string;
  definitionVersion: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  customer: TicketCustomer;
  /** What the customer said the problem is (the start form's `problem` or `description`). */
  problem: string | null;
  openTasks: TaskView[];
  story: StoryEntry[];
  conversation: ConversationMessage[];
  attachments: Attachment[];
  /** Diagram elements where the ticket is (its open tasks' elements): the diagram marks them. */
  activeElements: string[];
  /** Elements it went through, for the diagram. */
  completedElements: string[];
}
