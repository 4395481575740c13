import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';

import type { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { BatonError, InvalidInputError, UnauthenticatedError } from '../errors.js';
import { presentedSecret, principalFor } from '../http/authenticate.js';
import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import { ticketWatchSchema } from '../contracts/tickets.js';
import { TICKETS_NAMESPACE, type TicketClientEvents, type TicketServerEvents } from './ticket-live.js';
import type { CustomerReplied, TicketService } from './ticket.service.js';

type TicketNamespace = Namespace<TicketClientEvents, TicketServerEvents, Record<string, never>, { presented: { secret: string; via: 'token' | 'session' }; principal: Principal }>;

const roomOf = (instanceId: string) => `ticket:${instanceId}`;

/**
 * Live ticket pages on their own Socket.IO namespace: a signed-in person watches a ticket they may
 * see, and hears `ticket:changed` after each of its committed steps (the page then reads the
 * ticket again over REST: events are hints). A customer's message says so, for the page to show.
 */
export class TicketHub {
  readonly namespace: TicketNamespace;
  private readonly off: () => void;

  constructor(
    io: Server,
    private readonly deps: { auth: AuthService; tickets: TicketService; stepEvents: InstanceEvents; logger: Logger },
  ) {
    this.namespace = io.of(TICKETS_NAMESPACE) as unknown as TicketNamespace;
    this.namespace.use((socket, next) => {
      const token = typeof socket.handshake.auth['token'] === 'string' ? socket.handshake.auth['token'] : undefined;
      const presented = presentedSecret(token ? `Bearer ${token}` : undefined, socket.request.headers.cookie);
      principalFor(deps.auth, presented).then(
        (principal) => {
          if (!principal || !presented) return next(new UnauthenticatedError('Sign in first'));
          // A cookie rides along with any page's request: accept it only from this server's own pages.
          const { origin, host } = socket.request.headers;
          if (presented.via === 'session' && origin && !(URL.canParse(origin) && new URL(origin).host === host)) return next(new Error('Cross-origin connection refused'));
          socket.data = { presented, principal };
          next();
        },
        (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
      );
    });
    this.namespace.on('connection', (socket) => {
      socket.on('ticket:watch', (payload, ack) => {
        const reply = typeof ack === 'function' ? ack : () => undefined;
        void (async () => {
          try {
            const principal = await principalFor(deps.auth, socket.data.presented);
            if (!principal) throw new UnauthenticatedError('The session ended; sign in again');
            const parsed = ticketWatchSchema.safeParse(payload);
            if (!parsed.success) throw new InvalidInputError('ticket:watch needs { instanceId }');
            await deps.tickets.assertMaySee(principal, parsed.data.instanceId);
            await socket.join(roomOf(parsed.data.instanceId));
            reply({ ok: true });
          } catch (err) {
            reply({ error: err instanceof BatonError ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: 'The ticket cannot be watched' } });
          }
        })();
      });
    });
    const onStep = (step: StepCommitted) => this.changed(step.instance.id, step.instance.updatedAt, false);
    const onReply = (reply: CustomerReplied) => this.changed(reply.instanceId, reply.at, true);
    deps.stepEvents.on('step.committed', onStep);
    deps.tickets.events.on('customer.replied', onReply);
    this.off = () => {
      deps.stepEvents.off('step.committed', onStep);
      deps.tickets.events.off('customer.replied', onReply);
    };
  }

  close(): void {
    this.off();
    this.namespace.disconnectSockets(true);
  }

  private changed(instanceId: string, updatedAt: string, customerReplied: boolean): void {
    try {
      this.namespace.to(roomOf(instanceId)).emit('ticket:changed', { instanceId, updatedAt, customerReplied });
    } catch (err) {
      this.deps.logger.warn({ err, instanceId }, 'ticket change could not be published');
    }
  }
}
