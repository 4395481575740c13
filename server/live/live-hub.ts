import type { Server as HttpServer } from 'node:http';

import type { Logger } from 'pino';
import { Server, type Namespace, type Socket } from 'socket.io';

import { canSeeDepartment, seesEverything } from '../auth/access.js';
import type { AccessEvents } from '../auth/access-events.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { DepartmentRecord } from '../departments/department.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { presentedSecret, principalFor } from '../http/authenticate.js';
import type { HealthState } from '../health/health-state.js';
import { socketError } from '../http/error-handler.js';
import { parseInput } from '../http/validate.js';
import type { InstanceEvents, StepCommitted } from '../instances/instance-events.js';
import type { TaskActions } from '../tasks/task-actions.js';
import { inboxJoinSchema, taskCommandSchema } from '../contracts/tasks.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { UserRecord } from '../users/user.js';
import type { LiveBus } from './live-bus.js';
import { INBOX_NAMESPACE, rooms, type ClientToServerEvents, type LiveError, type ServerToClientEvents } from './live-events.js';
import { changeOf, liveTask, previousHolder, roomsOf } from './live-task.js';

interface SocketData {
  principal: Principal;
  presented: { secret: string; via: 'token' | 'session' };
}

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type InboxNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface LiveHubDeps {
  auth: AuthService;
  actions: TaskActions;
  tasks: TaskStore;
  stepEvents: InstanceEvents;
  accessEvents: AccessEvents;
  clock: Clock;
  logger: Logger;
  /** Where a store fault met by a socket command is reported (optional: tests may leave it out). */
  health?: HealthState;
  expirySweepMs?: number;
  /** Events to and from the other nodes on the same database (null: this node is alone). */
  bus?: LiveBus | null;
}

/**
 * Socket.IO on the HTTP server: authenticated handshakes (session cookie or `auth.token`), rooms
 * for what each user may see, task events after every committed step, and task commands that go
 * through the same TaskActions as REST.
 */
export class LiveHub {
  readonly io: LiveServer;
  /** The inbox namespace (INBOX_NAMESPACE); the root namespace is left for later live features. */
  readonly inbox: InboxNamespace;
  private readonly detach: (() => void)[] = [];
  private closed = false;
  /** Drops the sockets whose session or token expired (a credential is checked per command, not per event). */
  private readonly expirySweep: NodeJS.Timeout;

  constructor(
    httpServer: HttpServer,
    private readonly deps: LiveHubDeps,
  ) {
    // No CORS: the inbox is served by this server; other origins get nothing.
    // With a bus, every namespace (the inbox, the customers' status pages) emits to rooms on all nodes.
    this.io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024, ...(deps.bus ? { adapter: deps.bus.adapter() } : {}) });
    // Nothing lives on the root namespace yet: refuse it rather than hold idle unauthenticated sockets.
    this.io.use((_socket, next) => next(new Error(`Connect to the ${INBOX_NAMESPACE} namespace`)));
    this.inbox = this.io.of(INBOX_NAMESPACE);
    this.inbox.use((socket, next) => {
      this.handshake(socket).then(
        () => next(),
        (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
      );
    });
    this.inbox.on('connection', (socket) => this.connected(socket));
    this.listen();
    this.expirySweep = setInterval(() => this.dropExpired(), deps.expirySweepMs ?? 30_000);
    this.expirySweep.unref();
  }

  /** Drops the sockets whose credential expired (the clock is Baton's, so tests can move it). */
  dropExpired(): void {
    const now = this.deps.clock.now().toISOString();
    this.dropWhere((data) => data.principal.expiresAt <= now);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.expirySweep);
    for (const off of this.detach) off();
    this.inbox.disconnectSockets(true);
    // io.close() would close the HTTP server too; its owner does that. The namespaces' adapters
    // are closed here instead: a cluster adapter holds a database connection and heartbeat timers.
    for (const namespace of this.io._nsps.values()) await namespace.adapter.close();
    this.io.engine.close();
  }

  private async handshake(socket: LiveSocket): Promise<void> {
    const token = typeof socket.handshake.auth['token'] === 'string' ? socket.handshake.auth['token'] : undefined;
    const headers = socket.request.headers;
    const presented = presentedSecret(token ? `Bearer ${token}` : undefined, headers.cookie);
    const principal = await principalFor(this.deps.auth, presented);
    if (!principal || !presented) throw new UnauthenticatedError('Sign in first (session cookie or auth.token)');
    // A cookie rides along with any page's request: accept it only from this server's own pages.
    if (presented.via === 'session' && headers.origin && !sameHost(headers.origin, headers.host)) {
      throw new ForbiddenError('Cross-origin connection refused');
    }
    socket.data = { principal, presented };
  }

  private connected(socket: LiveSocket): void {
    this.joinRooms(socket);
    socket.on('task:claim', (payload, ack) =>
      this.command(socket, 'task:claim', ack, async (principal) => {
        const { taskId, version } = parseInput(taskCommandSchema, payload, 'task:claim');
        return { ok: true, task: liveTask(await this.deps.actions.claim(principal, taskId, version), this.deps.clock.now()) };
      }),
    );
    socket.on('task:release', (payload, ack) =>
      this.command(socket, 'task:release', ack, async (principal) => {
        const { taskId, version } = parseInput(taskCommandSchema, payload, 'task:release');
        return { ok: true, task: liveTask(await this.deps.actions.release(principal, taskId, version), this.deps.clock.now()) };
      }),
    );
    socket.on('inbox:join', (payload, ack) =>
      this.command(socket, 'inbox:join', ack, async (principal) => {
        const { department } = parseInput(inboxJoinSchema, payload, 'inbox:join');
        if (!canSeeDepartment(principal, department)) throw new ForbiddenError(`You are not in department ${department}`);
        await socket.join(rooms.department(department));
        return { ok: true as const, room: rooms.department(department) };
      }),
    );
  }

  /**
   * Every command re-reads the principal (a revoked session or changed departments count at once),
   * answers through the ack, and never throws: a bad command leaves the socket usable.
   */
  private command<T>(socket: LiveSocket, name: string, ack: unknown, run: (principal: Principal) => Promise<T>): void {
    const reply = typeof ack === 'function' ? (ack as (answer: T | LiveError) => void) : () => undefined;
    void (async () => {
      try {
        const principal = await principalFor(this.deps.auth, socket.data.presented);
        if (!principal) {
          reply({ error: { code: 'UNAUTHENTICATED', message: 'The session ended; sign in again' } });
          socket.disconnect(true);
          return;
        }
        socket.data.principal = principal;
        reply(await run(principal));
      } catch (err) {
        reply(socketError(err, this.deps.logger, { command: name, user: socket.data.principal.username }, this.deps.health));
      }
    })();
  }

  private joinRooms(socket: LiveSocket): void {
    const { principal } = socket.data;
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
    const wanted = [rooms.user(principal.username), rooms.credential(principal.credentialId)];
    if (seesEverything(principal)) wanted.push(rooms.all);
    else wanted.push(...principal.departments.map((id) => rooms.department(id)));
    void socket.join(wanted);
  }

  private listen(): void {
    const { stepEvents, accessEvents } = this.deps;
    const onStep = (step: StepCommitted) => {
      this.publish(step);
      if (step.fired.length) void this.slaChanged(step);
    };
    // Through the rooms, so sockets on every node go (the bus carries the disconnect), not only this node's.
    const onRevoked = ({ credentialId }: { credentialId: string }) => this.inbox.in(rooms.credential(credentialId)).disconnectSockets(true);
    const onUser = (user: UserRecord) => this.userChanged(user);
    const onDepartment = (department: DepartmentRecord) => void this.departmentCreated(department);
    stepEvents.on('step.committed', onStep);
    accessEvents.on('credential.revoked', onRevoked);
    accessEvents.on('user.changed', onUser);
    accessEvents.on('department.created', onDepartment);
    this.detach.push(
      () => stepEvents.off('step.committed', onStep),
      () => accessEvents.off('credential.revoked', onRevoked),
      () => accessEvents.off('user.changed', onUser),
      () => accessEvents.off('department.created', onDepartment),
    );
  }

  /** Emitted after the step's transaction committed: clients never hear of unsaved state. */
  private publish(step: StepCommitted): void {
    const now = this.deps.clock.now();
    for (const task of step.tasks) {
      const target = roomsOf(task);
      if (task.status !== 'open') {
        this.inbox.to(target).emit('task:removed', { taskId: task.id, version: task.version, reason: task.status });
        continue;
      }
      const live = liveTask(task, now);
      if (task.version === 1) {
        this.inbox.to(target).emit('task:created', { task: live, version: task.version });
        continue;
      }
      this.inbox.to(target).emit('task:updated', { task: live, version: task.version, change: changeOf(task) });
      const before = previousHolder(task);
      const lost = before ? roomsOf(before).filter((room) => !target.includes(room)) : [];
      if (lost.length) this.inbox.to(lost).except(target).emit('task:removed', { taskId: task.id, version: task.version, reason: 'moved' });
    }
  }

  /**
   * A timer that fired without touching a task (an SLA warning) changes how late its open tasks
   * are: tell their rooms. The version stays: nothing about the task record changed.
   */
  private async slaChanged(step: StepCommitted): Promise<void> {
    try {
      const now = this.deps.clock.now();
      const touched = new Set(step.tasks.map((task) => task.id));
      for (const task of await this.deps.tasks.list({ instanceId: step.instance.id, status: 'open' })) {
        if (touched.has(task.id)) continue;
        this.inbox.to(roomsOf(task)).emit('task:updated', { task: liveTask(task, now), version: task.version, change: 'sla' });
      }
    } catch (err) {
      this.deps.logger.warn({ err, instanceId: step.instance.id }, 'SLA change could not be published');
    }
  }

  /**
   * A user's role or departments changed (or they were disabled): their sockets on this node follow
   * the event's record at once, without reading the credential and user again for each socket.
   */
  private userChanged(user: UserRecord): void {
    void this.userChangedElsewhere(user);
    for (const socket of this.inbox.sockets.values()) {
      if (socket.data.principal.userId !== user.id) continue;
      if (user.disabled) {
        socket.disconnect(true);
        continue;
      }
      socket.data.principal = { ...socket.data.principal, role: user.role, departments: user.departments };
      this.joinRooms(socket);
    }
  }

  /**
   * The user's sockets on other nodes (through the bus) cannot be given new rooms from here:
   * they are disconnected, and their clients reconnect with the new role and departments (or
   * are refused, when the user was disabled) and re-sync. Without a bus there are none.
   */
  private async userChangedElsewhere(user: UserRecord): Promise<void> {
    if (!this.deps.bus) return;
    try {
      const sockets = await this.inbox.in(rooms.user(user.username)).fetchSockets();
      for (const socket of sockets) if (!this.inbox.sockets.has(socket.id)) socket.disconnect(true);
    } catch (err) {
      this.deps.logger.warn({ err, userId: user.id }, "the user's sockets on other nodes could not be told of the change");
    }
  }

  /** Tasks that waited unrouted for this department id now show up in its queue. */
  private async departmentCreated(department: DepartmentRecord): Promise<void> {
    const now = this.deps.clock.now();
    for (const task of await this.deps.tasks.list({ status: 'open', department: department.id })) {
      this.inbox.to(rooms.department(department.id)).emit('task:created', { task: liveTask(task, now), version: task.version });
    }
  }

  private dropWhere(test: (data: SocketData) => boolean): void {
    for (const socket of this.inbox.sockets.values()) if (test(socket.data)) socket.disconnect(true);
  }
}

/** Whether an Origin header names this host; a malformed one does not. */
function sameHost(origin: string, host: string | undefined): boolean {
  return URL.canParse(origin) && new URL(origin).host === host;
}
