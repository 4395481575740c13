/** The ticket page's live wire contract, shared with the browser (types only). */
export const TICKETS_NAMESPACE = '/tickets';

export interface TicketServerEvents {
  /** The ticket took a step (a task moved, a message came in): fetch it again. `customerReplied` when the customer wrote. */
  'ticket:changed': (event: { instanceId: string; updatedAt: string; customerReplied: boolean }) => void;
}

export interface TicketClientEvents {
  /** Watch one ticket; the ack says `{ ok: true }` or the refusal in words. */
  'ticket:watch': (payload: { instanceId: string }, ack: (answer: { ok: true } | { error: { code: string; message: string } }) => void) => void;
}
