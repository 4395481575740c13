import { readdir, readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';

import type { Logger } from 'pino';

import { randomBytes } from 'node:crypto';

import { createApp } from './app.js';
import { AuditCheckpointer } from './audit/audit-checkpointer.js';
import { auditKeyOf, type AuditKey } from './audit/audit-key.js';
import { AuditService } from './audit/audit.service.js';
import { systemClock, type Clock } from './clock.js';
import { AccessEvents } from './auth/access-events.js';
import { AuthService } from './auth/auth.service.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { PasswordHasher } from './auth/passwords.js';
import { DEFAULT_AUTH, DEFAULT_CHECKPOINT_MS, type AuthConfig, type Config } from './config.js';
import { DepartmentService } from './departments/department.service.js';
import { DEFAULT_INTAKE_GUARD, IntakeGuard, type IntakeGuardOptions } from './customer/intake-guard.js';
import { IntakeService } from './customer/intake.service.js';
import { ProcessProfiles } from './customer/process-profile.js';
import { StatusHub } from './customer/status-hub.js';
import { StatusService } from './customer/status.service.js';
import { DefinitionService } from './definitions/definition.service.js';
import { SourceCache } from './engine/bpmn-source.js';
import { ConnectorRegistry } from './engine/connectors/connector-registry.js';
import { emailConnector } from './engine/connectors/email.connector.js';
import { logConnector } from './engine/connectors/log.connector.js';
import { webhookConnector } from './engine/connectors/webhook.connector.js';
import { BatonError } from './errors.js';
import { InstanceRunner } from './instances/instance-runner.js';
import { InstanceService } from './instances/instance.service.js';
import { MessageService } from './instances/message.service.js';
import type { MailTransport } from './outbox/mail-transport.js';
import { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import { ReplayService } from './replay/replay.service.js';
import { LiveHub } from './live/live-hub.js';
import { rooms } from './live/live-events.js';
import { StatusLookupLimiter, type StatusLookupLimits } from './tickets/status-lookup-limiter.js';
import { TicketService } from './tickets/ticket.service.js';
import { StatusLinks } from './tickets/status-links.js';
import { TicketHub } from './tickets/ticket-hub.js';
import { TaskRouter } from './routing/task-router.js';
import type { Store } from './stores/store.js';
import { TaskActions } from './tasks/task-actions.js';
import { TaskService } from './tasks/task.service.js';
import { AgendaTimers, type AgendaTimersOptions } from './timers/agenda-timers.js';
import { ProcessStarts } from './timers/process-starts.js';
import { TimerScheduler } from './timers/timer-scheduler.js';
import { TimerService } from './timers/timer.service.js';
import { seedDemoOrganisation } from './users/demo-organisation.js';
import { UserService } from './users/user.service.js';

export interface BatonOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  config: Pick<Config, 'timerPollMs' | 'webhook'> & { auth?: AuthConfig };
  /** Without one, queued emails stay in the outbox and no dispatcher exists. */
  mailTransport?: MailTransport;
  /** agenda runs the timers when given; tests that move a manual clock sweep with `scheduler.tick()`. */
  agenda?: AgendaTimersOptions;
  version: string;
  /** The key that signs audit checkpoints; main.ts passes the configured one. */
  audit?: { key: AuditKey; checkpointMs?: number; anchorFile?: string | null };
  /** Customer pages: the public base URL of links (default http://localhost:3000), status link lifetime, intake abuse limits. */
  customer?: { publicUrl?: string; statusTtlMs?: number; guard?: Partial<IntakeGuardOptions>; lookupLimits?: StatusLookupLimits };
}

/** Default lifetime of a status link: a year, so a customer can look a finished ticket up again. */
const STATUS_TTL_MS = 365 * 86_400_000;

export type Baton = ReturnType<typeof createBaton>;

/** Wires the parts together. main.ts adds the process boundary (config, signals, listening). */
export function createBaton(options: BatonOptions) {
  const { store, logger } = options;
  const clock = options.clock ?? systemClock;
  const connectors = new ConnectorRegistry([logConnector, emailConnector, webhookConnector(options.config.webhook)]);
  const sources = new SourceCache();
  const authConfig = options.config.auth ?? DEFAULT_AUTH;
  const accessEvents = new AccessEvents();
  const hasher = new PasswordHasher(authConfig.passwordCost);
  const auth = new AuthService(store.users, store.credentials, hasher, new LoginLimiter(clock), accessEvents, clock, authConfig);
  const users = new UserService(store.users, store.departments, hasher, auth, accessEvents, clock);
  const departments = new DepartmentService(store.departments, (department) => accessEvents.emit('department.created', department));
  const router = new TaskRouter(store.departments, store.users, store.tasks);
  const runner = new InstanceRunner({ store, sources, clock, connectors, logger, router });
  const processStarts = new ProcessStarts(store.schedules, store.definitions, runner, clock, logger);
  const definitions = new DefinitionService(store.definitions, store.departments, () => connectors.names(), clock, (definition) =>
    processStarts.scheduleFor(definition),
  );
  const instances = new InstanceService(store.instances, store.tasks, store.timers, store.audit, definitions, runner, clock);
  const tasks = new TaskService(store.tasks, runner, clock);
  const statusLinks = new StatusLinks(clock, {
    publicUrl: options.customer?.publicUrl ?? 'http://localhost:3000',
    statusTtlMs: options.customer?.statusTtlMs ?? STATUS_TTL_MS,
  });
  const messages = new MessageService(store.instances, store.definitions, runner, statusLinks);
  const timers = new TimerService(store.timers, runner);
  const scheduler = new TimerScheduler(store.timers, runner, clock, logger, { pollMs: options.config.timerPollMs, batchSize: 100 }, processStarts);
  const agendaTimers = options.agenda ? new AgendaTimers(store.timerJobs, store.timers, runner, processStarts, logger, options.agenda) : null;
  const dispatcher = options.mailTransport ? new OutboxDispatcher(store.outbox, options.mailTransport, runner.events, clock, logger) : null;
  // Without a configured key (tests, benchmarks) checkpoints are signed with a key of this process
  // only: they verify while it runs, which is all such a Baton needs.
  const auditKey = options.audit?.key ?? auditKeyOf(randomBytes(32));
  const audit = new AuditService(store.audit, store.instances, auditKey);
  const checkpointMs = options.audit?.checkpointMs ?? DEFAULT_CHECKPOINT_MS;
  const checkpointer = new AuditCheckpointer(store.audit.checkpoints, auditKey, clock, logger, {
    intervalMs: checkpointMs,
    pollMs: Math.min(checkpointMs, 30_000),
    anchorFile: options.audit?.anchorFile ?? null,
  });
  const replay = new ReplayService(audit, store.definitions);
  const taskActions = new TaskActions(store.tasks, tasks, runner, departments, store.users, clock);
  const profiles = new ProcessProfiles();
  const intakeGuard = new IntakeGuard(clock, { ...DEFAULT_INTAKE_GUARD, ...options.customer?.guard });
  const intake = new IntakeService(definitions, profiles, runner, intakeGuard, clock, {
    publicUrl: options.customer?.publicUrl ?? 'http://localhost:3000',
    statusTtlMs: options.customer?.statusTtlMs ?? STATUS_TTL_MS,
  });
  const status = new StatusService({
    instances: store.instances,
    tasks: store.tasks,
    audit: store.audit,
    definitions: store.definitions,
    departments: store.departments,
    customer: store.customer,
    profiles,
    runner,
    clock,
  });
  const tickets = new TicketService(store, definitions, profiles, runner, new StatusLookupLimiter(clock, options.customer?.lookupLimits), statusLinks, clock);
  const app = createApp({ store, auth, users, departments, definitions, instances, taskActions, messages, timers, audit, replay, intake, status, tickets, logger, version: options.version });
  let live: LiveHub | null = null;
  let statusHub: StatusHub | null = null;
  let ticketHub: TicketHub | null = null;

  return {
    app,
    store,
    clock,
    runner,
    connectors,
    definitions,
    instances,
    tasks,
    taskActions,
    auth,
    users,
    departments,
    accessEvents,
    messages,
    timers,
    scheduler,
    agendaTimers,
    dispatcher,
    audit,
    auditKey,
    replay,
    checkpointer,
    intake,
    status,
    tickets,
    /** Deploys every .bpmn file of a directory; identical diagrams are not redeployed. */
    async deployDirectory(dir: string): Promise<{ file: string; key?: string; version?: number; created?: boolean; error?: string }[]> {
      const files = (await readdir(dir)).filter((file) => file.endsWith('.bpmn')).sort();
      const results = [];
      for (const file of files) {
        try {
          const { definition, created } = await definitions.deploy(await readFile(path.join(dir, file), 'utf8'));
          results.push({ file, key: definition.key, version: definition.version, created });
        } catch (err) {
          if (!(err instanceof BatonError)) throw err;
          results.push({ file, error: `${err.message}${err.issues.length ? `: ${err.issues.map((i) => i.message).join('; ')}` : ''}` });
        }
      }
      return results;
    },
    /** Socket.IO on the server the app listens on (the live inbox); call once, after listen. */
    attachLive(server: HttpServer): LiveHub {
      live = new LiveHub(server, { auth, actions: taskActions, tasks: store.tasks, stepEvents: runner.events, accessEvents, clock, logger });
      // The customers' live status pages share the Socket.IO server, on their own namespace.
      statusHub = new StatusHub(live.io, { status, stepEvents: runner.events, logger });
      // Ticket pages watch their ticket on the same server, their own namespace.
      ticketHub = new TicketHub(live.io, { auth, tickets, stepEvents: runner.events, logger });
      // The owner hears the customer's answer in the inbox (the owners of the open tasks, else their queues).
      const inbox = live.inbox;
      tickets.events.on('customer.replied', (reply) => {
        const targets = reply.owners.length ? reply.owners.map(rooms.user) : reply.departments.map(rooms.department);
        if (targets.length) inbox.to(targets).emit('ticket:customer-replied', { instanceId: reply.instanceId, ticketNumber: reply.ticketNumber, at: reply.at });
      });
      return live;
    },
    /** The demo organisation into an empty store; null when people exist already. */
    seedDemo(password: string) {
      return seedDemoOrganisation(store, hasher, clock, password);
    },
    /** Finishes the steps in progress and saves them; takes no new ones. */
    async shutdown(): Promise<void> {
      statusHub?.close();
      ticketHub?.close();
      await live?.close();
      await agendaTimers?.stop();
      await scheduler.stop();
      await dispatcher?.stop();
      await runner.drain();
      // Seals what the last steps appended, so a restart starts from a checkpoint of everything.
      await checkpointer.stop();
      await store.close();
    },
  };
}
