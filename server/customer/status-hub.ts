import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';

import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import type { CustomerStore } from './customer.store.js';
import { STATUS_NAMESPACE, type StatusServerEvents } from './status-view.js';
import type { StatusService } from './status.service.js';

type StatusNamespace = Namespace<Record<string, never>, StatusServerEvents, Record<string, never>, { room: string }>;

/** The room of a ticket: by its token's hash, the same key the store has (the token itself is never kept). */
const roomOf = (tokenHash: string) => `ticket:${tokenHash}`;

/**
 * Live status pages on their own Socket.IO namespace, read-only: the handshake must carry a valid
 * status token (`auth.token`), the socket joins its ticket's room and nothing else, and it has no
 * commands. After every committed step of a ticket with a status link, the room hears
 * `status:changed`; the page then fetches the status again (events are hints, as in the inbox).
 */
export class StatusHub {
  readonly namespace: StatusNamespace;
  private readonly off: () => void;

  constructor(
    io: Server,
    private readonly deps: { status: StatusService; customer: CustomerStore; stepEvents: InstanceEvents; logger: Logger },
  ) {
    this.namespace = io.of(STATUS_NAMESPACE) as unknown as StatusNamespace;
    this.namespace.use((socket, next) => {
      const token = socket.handshake.auth['token'];
      deps.status.access(typeof token === 'string' ? token : '').then(
        (access) => {
          socket.data = { room: roomOf(access.tokenHash) };
          next();
        },
        // Same answer for every refusal: a socket must not tell whether a ticket exists either.
        () => next(new Error('This status link is not valid')),
      );
    });
    this.namespace.on('connection', (socket) => void socket.join(socket.data.room));
    const onStep = (step: StepCommitted) => void this.changed(step);
    deps.stepEvents.on('step.committed', onStep);
    this.off = () => deps.stepEvents.off('step.committed', onStep);
  }

  close(): void {
    this.off();
    this.namespace.disconnectSockets(true);
  }

  private async changed(step: StepCommitted): Promise<void> {
    try {
      const access = await this.deps.customer.ticketByInstance(step.instance.id);
      if (access) this.namespace.to(roomOf(access.tokenHash)).emit('status:changed', { updatedAt: step.instance.updatedAt });
    } catch (err) {
      this.deps.logger.warn({ err, instanceId: step.instance.id }, 'status change could not be published');
    }
  }
}
