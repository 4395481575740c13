import type { Connector } from './connector.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * Queues an email in the outbox. The outbox row is part of the step's transaction, so an email is
 * queued exactly when the step commits; the outbox dispatcher sends it afterwards.
 */
export const emailConnector: Connector = {
  name: 'email',
  description: 'Queues an email (inputs `to`, `subject`, `body`) in the outbox.',
  async run(call) {
    const to = text(call.input['to']).trim();
    if (!EMAIL.test(to)) {
      throw new Error(`email: input 'to' must be an email address, got '${to}'`);
    }
    const subject = text(call.input['subject']) || `Ticket ${call.ticketNumber}`;
    call.queueEmail({ to, subject, body: text(call.input['body']) });
    return { queued: true };
  },
};
