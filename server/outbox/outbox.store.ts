import type { OutboxMessage } from './outbox-message.js';

export interface OutboxStore {
  /** Unsent messages, oldest first. */
  pending(limit: number): Promise<OutboxMessage[]>;
  forInstance(instanceId: string): Promise<OutboxMessage[]>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}
