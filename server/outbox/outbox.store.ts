import type { OutboxMessage } from './outbox-message.js';

/** pending: not sent, never failed; failed: not sent, the last try failed (its error kept); sent. */
export type OutboxState = 'pending' | 'failed' | 'sent';

export interface OutboxStore {
  /** Unsent messages, oldest first; with maxAttempts, only those tried fewer times than that. */
  pending(limit: number, maxAttempts?: number): Promise<OutboxMessage[]>;
  forInstance(instanceId: string): Promise<OutboxMessage[]>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  /** Messages in one state, newest first (the admin page). */
  list(state: OutboxState, limit: number): Promise<OutboxMessage[]>;
  /** An unsent message tried again from scratch: attempts 0, no error. NotFoundError when unknown, ConflictError when sent. */
  resend(id: string): Promise<OutboxMessage>;
}
