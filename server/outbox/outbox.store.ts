import type { OutboxMessage } from './outbox-message.js';

export interface OutboxStore {
  /** Unsent messages, oldest first; with maxAttempts, only those tried fewer times than that. */
  pending(limit: number, maxAttempts?: number): Promise<OutboxMessage[]>;
  forInstance(instanceId: string): Promise<OutboxMessage[]>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}
