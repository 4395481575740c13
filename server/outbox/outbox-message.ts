/** A message a service handler wants sent; written with the step, sent after it commits. */
export interface OutboxMessage {
  id: string;
  instanceId: string;
  /** Service task executionId: a handler run twice (at-least-once) writes the message once. */
  idempotencyKey: string;
  channel: 'email';
  payload: Record<string, unknown>;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}
