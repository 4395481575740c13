import type { Logger } from 'pino';

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
  /** zeebe:taskHeaders / camunda:properties of the task (static settings); empty when it has none. */
  headers?: Readonly<Record<string, string>>;
  /** Queues an email in the outbox; written in the step's transaction, sent after it commits. */
  queueEmail(message: { to: string; subject: string; body: string }): void;
  logger: Logger;
}

/**
 * A named, code-reviewed handler a service task may call. Diagrams name connectors; they never
 * carry code. A thrown error becomes an incident on the instance, retryable by API.
 */
export interface Connector {
  readonly name: string;
  readonly description: string;
  run(call: ConnectorCall): Promise<Record<string, unknown> | undefined>;
}
