import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';

import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import { STATUS_NAMESPACE, type StatusServerEvents } from './status-view.js';
import { TOO_MANY_GUESSES } from './status-guesses.js';
import type { StatusService } from './status.service.js';

type StatusNamespace = Namespace<Record<string, never>, StatusServerEvents, Record<string, never>, { room: string }>;

/** The room of a ticket: by its instance id, known at the handshake and on every committed step (no read to find it). */
const roomOf = (instanceId: string) => `ticket:${instanceId}`;

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
    private readonly deps: { status: StatusService; stepEvents: InstanceEvents; logger: Logger },
  ) {
    this.namespace = io.of(STATUS_NAMESPACE) as unknown as StatusNamespace;
    this.namespace.use((socket, next) => {
      const token = socket.handshake.auth['token'];
      const address = socket.handshake.address;
      deps.status.guesses
        .retryAfter(address)
        .then(async (wait) => {
          if (wait > 0) return next(new Error(TOO_MANY_GUESSES));
          try {
            const access = await deps.status.access(typeof token === 'string' ? token : '');
            socket.data = { room: roomOf(access.instanceId) };
            next();
          } catch {
            // Same answer for every refusal: a socket must not tell whether a ticket exists either.
            await deps.status.guesses.missed(address).catch(() => undefined);
            next(new Error('This status link is not valid'));
          }
        })
        .catch(() => next(new Error('The status cannot be read right now; try again in a moment')));
    });
    this.namespace.on('connection', (socket) => void socket.join(socket.data.room));
    const onStep = (step: StepCommitted) => this.changed(step);
    deps.stepEvents.on('step.committed', onStep);
    this.off = () => deps.stepEvents.off('step.committed', onStep);
  }

  close(): void {
    this.off();
    this.namespace.disconnectSockets(true);
  }

  /** An instance without a status link has no room, so nobody hears it: no lookup needed. */
  private changed(step: StepCommitted): void {
    try {
      this.namespace.to(roomOf(step.instance.id)).emit('status:changed', { updatedAt: step.instance.updatedAt });
    } catch (err) {
      this.deps.logger.warn({ err, instanceId: step.instance.id }, 'status change could not be published');
    }
  }
}
