import type { CustomerFeedback, CustomerUpload, TicketAccess } from './customer.js';

/** What the customer pages keep besides the instance itself. */
export interface CustomerStore {
  /** Status links are written by the start step itself (`StepWrite.ticketAccess`). */
  /** The ticket a status token's hash opens, or null. */
  ticketByHash(tokenHash: string): Promise<TicketAccess | null>;
  /** False when the ticket has feedback already (it is kept, the new one is not). */
  insertFeedback(feedback: CustomerFeedback): Promise<boolean>;
  feedback(instanceId: string): Promise<CustomerFeedback | null>;
  /** Uploads are written by the step that completes their task (`StepWrite.uploads`). */
  upload(id: string): Promise<CustomerUpload | null>;
}
