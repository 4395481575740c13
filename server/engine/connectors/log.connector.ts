import type { Connector } from './connector.js';

/** Writes a line to the server log: for notes in a process that need no delivery. */
export const logConnector: Connector = {
  name: 'log',
  description: 'Writes the `message` input to the server log.',
  async run(call) {
    const message = call.input['message'];
    call.logger.info({ instanceId: call.instanceId, ticketNumber: call.ticketNumber, elementId: call.elementId }, typeof message === 'string' && message ? message : `${call.elementId} reached`);
    return undefined;
  },
};
