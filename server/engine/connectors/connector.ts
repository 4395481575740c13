import type { Logger } from 'pino';

import type { StockMove } from '../../field/field.js';
import type { MailAttachment } from '../../outbox/mail-transport.js';

/** What a service task hands to a connector. */
export interface ConnectorCall {
  instanceId: string;
  ticketNumber: string;
  elementId: string;
  /** The service task run's executionId: stable across retries, the idempotency key. */
  executionId: string;
  /** camunda:inputParameter values, already evaluated. */
  input: Record<string, unknown>;
  variables: Readonly<Record<string, unknown>>;
  /** Queues an email in the outbox; written in the step's transaction, sent after it commits. */
  queueEmail(message: { to: string; subject: string; body: string; attachments?: MailAttachment[] }): void;
  /** The step's time (Baton's clock), for anything the connector stamps. */
  now: Date;
  /** Records an audit event of the service task (e.g. `dispatch.decided`); kept only if the call succeeds. */
  audit(type: string, data: Record<string, unknown>): void;
  /** Process variables to set when the call succeeds (besides camunda:resultVariable). */
  setVariables(values: Record<string, unknown>): void;
  /** Stock reserved, used or released, written in the step's transaction if the call succeeds. */
  moveStock(move: StockMoveIntent): void;
  logger: Logger;
}

/** A stock move a connector asks for; the step adds the instance and time. */
export type StockMoveIntent = Omit<StockMove, 'instanceId' | 'at'>;

/**
 * A named, code-reviewed handler a service task may call. Diagrams name connectors; they never
 * carry code. A thrown error becomes an incident on the instance, retryable by API.
 */
export interface Connector {
  readonly name: string;
  readonly description: string;
  run(call: ConnectorCall): Promise<Record<string, unknown> | undefined>;
}
