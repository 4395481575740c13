import type { CorrelateMessage } from '../contracts/instances.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import { NotFoundError } from '../errors.js';
import type { StatusLinks } from '../tickets/status-links.js';
import type { InstanceRunner } from './instance-runner.js';
import type { InstanceStore } from './instance.store.js';

export type { CorrelateMessage };

export interface CorrelationResult {
  /** Instances that were waiting for the message and received it. */
  correlated: { instanceId: string; ticketNumber: string }[];
  /** Instances the message started (processes with a message start event of that name). */
  started: { instanceId: string; ticketNumber: string }[];
}

/**
 * Delivers a message by name and business key: to every instance waiting for it, otherwise it
 * starts every process that a message of that name starts.
 */
export class MessageService {
  constructor(
    private readonly instances: InstanceStore,
    private readonly definitions: DefinitionStore,
    private readonly runner: InstanceRunner,
    /** Status links for tickets a message starts with a customer contact. */
    private readonly links?: StatusLinks,
  ) {}

  async correlate(message: CorrelateMessage, actor: string): Promise<CorrelationResult> {
    const result: CorrelationResult = { correlated: [], started: [] };
    const subscriptions = await this.instances.subscriptions(message.name, message.businessKey);
    for (const subscription of subscriptions) {
      const step = await this.runner.apply(subscription.instanceId, {
        kind: 'message',
        executionId: subscription.executionId,
        messageName: message.name,
        variables: message.variables,
        actor,
      });
      result.correlated.push({ instanceId: step.instance.id, ticketNumber: step.instance.ticketNumber });
    }
    if (subscriptions.length > 0) return result;

    for (const definition of await this.definitions.startedByMessage(message.name)) {
      const step = await this.runner.start(definition, {
        variables: message.variables,
        businessKey: message.businessKey,
        actor,
        startMessage: message.name,
        ...this.links?.forStart(message.variables)?.start,
      });
      result.started.push({ instanceId: step.instance.id, ticketNumber: step.instance.ticketNumber });
    }
    if (result.started.length === 0) {
      const key = message.businessKey ? ` with business key '${message.businessKey}'` : '';
      throw new NotFoundError(`No instance waits for message '${message.name}'${key}, and no process starts with it`);
    }
    return result;
  }
}
