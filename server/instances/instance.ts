import type { InstanceStatus, InstanceSummary } from '../contracts/instances.js';

export type { InstanceStatus };

export interface AuditHead {
  seq: number;
  hash: string;
}

/** An instance as stored: what the list shows (InstanceSummary) plus its variables, engine state and audit head. */
export interface InstanceRecord extends InstanceSummary {
  /** Process variables as of the last saved step (a copy of what the engine state holds). */
  variables: Record<string, unknown>;
  /** bpmn-engine getState() without the embedded diagram source; null once ended. */
  state: unknown;
  /** bpmn-engine version that wrote `state`: an upgrade tells from it which saved states it must check. */
  engineVersion: string;
  /** Last link of the audit hash chain, so the next step can extend it without reading the log. */
  auditHead: AuditHead;
}

export interface InstanceFilter {
  status?: InstanceStatus;
  processKey?: string;
  ticketNumber?: string;
  businessKey?: string;
  /** Started at or after this instant (ISO 8601). */
  startedFrom?: string;
  /** Started before this instant (ISO 8601). */
  startedTo?: string;
  /** Someone who acted on the instance (an audit event's actor) or was assigned one of its tasks. */
  person?: string;
  /**
   * Free text (the desk's search box): the ticket number, or text in the variables (customer
   * email, phone, form answers) or in the notes written on its tasks. Case-insensitive for ASCII.
   */
  text?: string;
  /**
   * Only tickets this person or one of these departments ever touched: held, was routed, passed
   * up or handed over one of its tasks (its owner chain), or acted on it (an audit event's actor).
   */
  touchedBy?: TicketToucher;
  limit?: number;
  offset?: number;
}

/** Who a staff member's ticket search is narrowed to: themselves and their departments. */
export interface TicketToucher {
  username: string;
  departments: string[];
}

export type IncidentKind = 'service' | 'expression' | 'engine';

/** How an incident's step is replayed: resume the saved state, or apply the failed action again. */
export type IncidentRetry =
  | { kind: 'resume' }
  | { kind: 'complete-task'; taskId: string; output: Record<string, unknown>; actor: string }
  | { kind: 'message'; executionId: string; messageName: string; variables: Record<string, unknown>; actor: string }
  | { kind: 'cancel'; reason: string; actor: string };

/** Something that stopped an instance and needs a person: a failed handler, a bad condition. */
export interface IncidentRecord {
  id: string;
  instanceId: string;
  elementId: string | null;
  kind: IncidentKind;
  message: string;
  status: 'open' | 'resolved';
  /** The failed service task run (its executionId), when the incident is about one. */
  executionId: string | null;
  retry: IncidentRetry;
  createdAt: string;
  resolvedAt: string | null;
}

/** An instance waiting for a message (receive task, message catch or boundary event). */
export interface MessageSubscription {
  instanceId: string;
  messageName: string;
  businessKey: string | null;
  elementId: string;
  executionId: string;
}
