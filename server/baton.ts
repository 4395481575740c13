import { DEFAULT_RESIDENT, ResidentEngines, type ResidentEnginesOptions } from './engine/resident-engines.js';
import { readdir, readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';

import type { Logger } from 'pino';

import { randomBytes } from 'node:crypto';

import { AnalyticsProjector } from './analytics/analytics-projector.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { ReportDeliveries } from './analytics/report-deliveries.js';
import { createApp } from './app.js';
import { AuditCheckpointer } from './audit/audit-checkpointer.js';
import { AuditWitness } from './audit/audit-witness.js';
import { auditKeyOf, type AuditKey } from './audit/audit-key.js';
import { AuditService } from './audit/audit.service.js';
import { systemClock, type Clock } from './clock.js';
import { AccessEvents } from './auth/access-events.js';
import { AuthService } from './auth/auth.service.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { HealthState } from './health/health-state.js';
import { PasswordHasher } from './auth/passwords.js';
import { DEFAULT_AUTH, DEFAULT_CHECKPOINT_MS, DEFAULT_INVOICE, type AuthConfig, type Config, type InvoiceConfig } from './config.js';
import { CalendarDirectory } from './calendars/calendar-directory.js';
import { CalendarService } from './calendars/calendar.service.js';
import { SlaPauseService } from './calendars/sla-pause.service.js';
import { CalendarRecompute } from './calendars/calendar-recompute.js';
import { departmentReroute } from './calendars/department-reroute.js';
import { seedDemoCalendar } from './calendars/demo-calendar.js';
import { DEPARTMENTS_ON_OFFICE_HOURS } from './calendars/demo-departments.js';
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
import { notifyConnector } from './engine/connectors/notify.connector.js';
import { webhookConnector } from './engine/connectors/webhook.connector.js';
import { BatonError } from './errors.js';
import { dispatchConnector } from './field/dispatch.connector.js';
import { FieldService, type DispatchPlan } from './field/field.service.js';
import { VisitService } from './field/visit.service.js';
import { fieldStatusOf } from './field/field-status.js';
import { RatingLinks } from './customer/rating-links.js';
import { feedbackRequestConnector } from './customer/feedback-request.connector.js';
import { invoiceConnector, usePartsConnector } from './field/closing.connectors.js';
import { CallService } from './calls/call.service.js';
import { ExternalTaskService } from './external-tasks/external-task.service.js';
import { InstanceRunner } from './instances/instance-runner.js';
import { InstanceService } from './instances/instance.service.js';
import { MessageService } from './instances/message.service.js';
import type { MailTransport } from './outbox/mail-transport.js';
import { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import { FourEyes } from './operations/four-eyes.js';
import { OperationsService } from './operations/operations.service.js';
import { ReplayService } from './replay/replay.service.js';
import { LiveHub } from './live/live-hub.js';
import { NotificationHub } from './notifications/notification-hub.js';
import { NotificationService } from './notifications/notification.service.js';
import { SlaWatch } from './notifications/sla-watch.js';
import { StepNotifications } from './notifications/step-notifications.js';
import { rooms } from './live/live-events.js';
import { StatusLookupLimiter, type StatusLookupLimits } from './tickets/status-lookup-limiter.js';
import { TicketService } from './tickets/ticket.service.js';
import { StatusLinks } from './tickets/status-links.js';
import { TicketHub } from './tickets/ticket-hub.js';
import { TaskRouter } from './routing/task-router.js';
import type { TrustProxy } from './http/trust-proxy.js';
import type { Store } from './stores/store.js';
import { TaskActions } from './tasks/task-actions.js';
import { TaskBpmnErrors } from './tasks/task-bpmn-errors.js';
import { AgendaTimers, type AgendaTimersOptions } from './timers/agenda-timers.js';
import { ProcessStarts } from './timers/process-starts.js';
import { TimerScheduler } from './timers/timer-scheduler.js';
import { TimerService } from './timers/timer.service.js';
import { seedDemoOrganisation } from './users/demo-organisation.js';
import { AccountService } from './users/account.service.js';
import { UserOffboarding } from './users/user-offboarding.js';
import { UserService } from './users/user.service.js';

export interface BatonOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  config: Pick<Config, 'timerPollMs' | 'webhook'> & { residentEngines?: ResidentEnginesOptions; auth?: AuthConfig; invoice?: InvoiceConfig; trustProxy?: TrustProxy; fourEyes?: boolean };
  /** Without one, queued emails stay in the outbox and no dispatcher exists. */
  mailTransport?: MailTransport;
  /** agenda runs the timers when given; tests that move a manual clock sweep with `scheduler.tick()`. */
  agenda?: AgendaTimersOptions;
  version: string;
  /** The key that signs audit checkpoints; main.ts passes the configured one. */
  audit?: { key: AuditKey; checkpointMs?: number; anchorFile?: string | null; witnessUrl?: string | null; witnessEmail?: string | null };
  /** Customer pages: the public base URL of links (default http://localhost:3000), status link lifetime, intake abuse limits. */
  customer?: { publicUrl?: string; statusTtlMs?: number; guard?: Partial<IntakeGuardOptions>; lookupLimits?: StatusLookupLimits };
}

/** Default lifetime of a status link: a year, so a customer can look a finished ticket up again. */
const STATUS_TTL_MS = 365 * 86_400_000;
/** How often open tasks are checked for an SLA at risk or breached (notifications). */
const SLA_SWEEP_MS = 60_000;

export type Baton = ReturnType<typeof createBaton>;

/** The external witness of the checkpoint chain, when a webhook or an address (with SMTP) is configured. */
function auditWitness(options: BatonOptions, logger: Logger): AuditWitness | null {
  const url = options.audit?.witnessUrl ?? null;
  const to = options.audit?.witnessEmail ?? null;
  const email = to && options.mailTransport ? { to, transport: options.mailTransport } : null;
  if (to && !email) logger.warn('BATON_AUDIT_WITNESS_EMAIL is set but no SMTP server is: the witness gets no email');
  return url || email ? new AuditWitness({ url, email }, options.customer?.publicUrl ?? 'baton', logger) : null;
}

/** Wires the parts together. main.ts adds the process boundary (config, signals, listening). */
export function createBaton(options: BatonOptions) {
  const { store, logger } = options;
  const clock = options.clock ?? systemClock;
  const publicUrl = options.customer?.publicUrl ?? 'http://localhost:3000';
  const notifications = new NotificationService({
    notifications: store.notifications,
    preferences: store.preferences,
    users: store.users,
    tasks: store.tasks,
    clock,
    logger,
    publicUrl,
  });
  // The dispatch handler plans with the field service, which needs the runner (made below) only
  // to reassign a visit by hand; a handler runs only once Baton is up.
  const ratingLinks = new RatingLinks(store.secrets, publicUrl);
  const connectors = new ConnectorRegistry([
    logConnector,
    emailConnector,
    webhookConnector(options.config.webhook),
    notifyConnector(notifications),
    feedbackRequestConnector(ratingLinks),
    dispatchConnector((input): Promise<DispatchPlan> => field.plan(input)),
    usePartsConnector(() => field),
    invoiceConnector(() => field, options.config.invoice ?? DEFAULT_INVOICE),
  ]);
  const sources = new SourceCache();
  const authConfig = options.config.auth ?? DEFAULT_AUTH;
  const accessEvents = new AccessEvents();
  const health = new HealthState(clock, logger);
  const hasher = new PasswordHasher(authConfig.passwordCost);
  const auth = new AuthService(store.users, store.credentials, hasher, new LoginLimiter(store.rateLimits, clock), accessEvents, clock, authConfig);
  const users = new UserService(store.users, store.departments, hasher, auth, accessEvents, clock);
  const calendarDirectory = new CalendarDirectory(store.calendars);
  const calendars = new CalendarService(store.calendars, store.departments, store.definitions, calendarDirectory);
  const departments = new DepartmentService(store.departments, (department) => accessEvents.emit('department.created', department), calendars);
  const router = new TaskRouter(store.departments, store.users, store.tasks);
  const resident = new ResidentEngines(options.config.residentEngines ?? DEFAULT_RESIDENT);
  const runner = new InstanceRunner({ store, sources, clock, connectors, logger, router, calendars: calendarDirectory, resident });
  const field: FieldService = new FieldService(store.field, { users: store.users, tasks: store.tasks, instances: store.instances, audit: store.audit, clock, runner });
  const visits = new VisitService({ field: store.field, tasks: store.tasks, instances: store.instances, audit: store.audit, clock, runner });
  const stepNotifications = new StepNotifications(runner.events, notifications, logger);
  const slaWatch = new SlaWatch(store.tasks, notifications, clock, logger, SLA_SWEEP_MS);
  const offboarding = new UserOffboarding(store.tasks, runner, clock);
  users.whenDisabled((username, actor) => offboarding.releaseTasksOf(username, actor, `${username} was disabled`));
  const processStarts = new ProcessStarts(store.schedules, store.definitions, runner, clock, logger);
  const definitions = new DefinitionService(
    store.definitions,
    store.departments,
    () => connectors.names(),
    clock,
    (definition) => processStarts.scheduleFor(definition),
    async () => new Set((await store.calendars.list()).map((calendar) => calendar.id)),
  );
  const instances = new InstanceService(store.instances, store.tasks, store.timers, store.audit, definitions, runner, clock);
  const statusLinks = new StatusLinks(clock, {
    publicUrl: options.customer?.publicUrl ?? 'http://localhost:3000',
    statusTtlMs: options.customer?.statusTtlMs ?? STATUS_TTL_MS,
  });
  const messages = new MessageService(store.instances, store.definitions, runner, statusLinks);
  const timers = new TimerService(store.timers, runner);
  const scheduler = new TimerScheduler(store.timers, runner, clock, logger, { pollMs: options.config.timerPollMs, batchSize: 100 }, processStarts);
  const agendaTimers = options.agenda ? new AgendaTimers(store.timerJobs, runner, processStarts, logger, options.agenda) : null;
  const dispatcher = options.mailTransport ? new OutboxDispatcher(store.outbox, options.mailTransport, runner.events, clock, logger) : null;
  // Without a configured key (tests, benchmarks) checkpoints are signed with a key of this process
  // only: they verify while it runs, which is all such a Baton needs.
  const auditKey = options.audit?.key ?? auditKeyOf(randomBytes(32));
  const audit = new AuditService(store.audit, store.instances, auditKey, options.audit?.anchorFile ?? null, store.tasks);
  const checkpointMs = options.audit?.checkpointMs ?? DEFAULT_CHECKPOINT_MS;
  const checkpointer = new AuditCheckpointer(store.audit.checkpoints, auditKey, clock, logger, {
    intervalMs: checkpointMs,
    pollMs: Math.min(checkpointMs, 30_000),
    anchorFile: options.audit?.anchorFile ?? null,
    health,
    witness: auditWitness(options, logger),
  });
  const replay = new ReplayService(audit, store.definitions);
  const slaPauses = new SlaPauseService(store, runner, calendarDirectory, clock);
  const calendarRecompute = new CalendarRecompute(store, runner, calendarDirectory, logger);
  calendars.onChanged((calendar, actor) => void calendarRecompute.schedule(calendar.id, actor).catch(() => undefined));
  const taskActions = new TaskActions(store.tasks, runner, departments, store.users, clock, departmentReroute(store, calendarDirectory), [field.checkTechnicianChoice]);
  const profiles = new ProcessProfiles();
  const intakeGuard = new IntakeGuard(store.rateLimits, store.secrets, clock, { ...DEFAULT_INTAKE_GUARD, ...options.customer?.guard });
  const intake = new IntakeService(definitions, profiles, runner, intakeGuard, clock, {
    publicUrl,
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
    field: fieldStatusOf(visits, store.users),
    rateLimits: store.rateLimits,
    calendars: calendarDirectory,
  });
  const externalTasks = new ExternalTaskService(store.externalTasks, store.instances, runner, clock, runner.events);
  const taskErrors = new TaskBpmnErrors(store.tasks, definitions, runner);
  const calls = new CallService(store.externalTasks, store.instances, store.definitions, runner, logger);
  // Calls a crash left half-done (a child not yet started, an ended child not yet reported).
  calls.recover();
  const operations = new OperationsService(store, runner, clock, logger);
  const fourEyes = new FourEyes(options.config.fourEyes ?? false, store.approvals, operations, instances, clock);
  // Reports: projections folded from the audit log after each committed step (never inside it).
  const projector = store.analytics ? new AnalyticsProjector(store.analytics, logger) : null;
  projector?.follow(runner.events);
  const analytics = new AnalyticsService({ store: store.analytics ?? null, projector, definitions, users: store.users, departments: store.departments, clock });
  const reportDeliveries = new ReportDeliveries(store.reportDeliveries ?? null, analytics, departments, options.mailTransport ?? null, clock, logger, {
    publicUrl: options.customer?.publicUrl ?? 'http://localhost:3000',
    pollMs: 60_000,
    maxAttempts: 10,
  });
  const tickets = new TicketService(store, definitions, profiles, runner, new StatusLookupLimiter(store.rateLimits, clock, options.customer?.lookupLimits), statusLinks, clock);
  const accounts = new AccountService(store.preferences, clock);
  const app = createApp({
    ratingLinks,
    analytics,
    reportDeliveries,
    tickets,
    store,
    auth,
    users,
    departments,
    calendars,
    slaPauses,
    definitions,
    instances,
    taskActions,
    messages,
    timers,
    audit,
    replay,
    intake,
    status,
    field,
    visits,
    accounts,
    notifications,
    externalTasks,
    taskErrors,
    operations,
    fourEyes,
    dispatcher: () => dispatcher,
    logger,
    health,
    version: options.version,
    trustProxy: options.config.trustProxy ?? false,
  });
  let live: LiveHub | null = null;
  let statusHub: StatusHub | null = null;
  let notificationHub: NotificationHub | null = null;
  let ticketHub: TicketHub | null = null;

  return {
    app,
    store,
    clock,
    runner,
    connectors,
    definitions,
    instances,
    /** Tasks acted on by no one in particular (tests, benchmarks): list, get, complete. */
    tasks: taskActions.system,
    taskActions,
    auth,
    users,
    departments,
    calendars,
    slaPauses,
    calendarRecompute,
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
    health,
    intake,
    status,
    field,
    visits,
    accounts,
    /** `notify(kind, …)`: staff notifications (browser list, live badge, email). */
    notifications,
    stepNotifications,
    slaWatch,
    externalTasks,
    taskErrors,
    calls,
    operations,
    fourEyes,
    analytics,
    projector,
    reportDeliveries,
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
      live = new LiveHub(server, { auth, actions: taskActions, tasks: store.tasks, stepEvents: runner.events, accessEvents, clock, logger, bus: store.liveBus(), health });
      // The customers' live status pages share the Socket.IO server, on their own namespace.
      statusHub = new StatusHub(live.io, { status, stepEvents: runner.events, logger });
      notificationHub = new NotificationHub(live, notifications, store.notifications, logger);
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
    async seedDemo(password: string) {
      const logins = await seedDemoOrganisation(store, hasher, clock, password);
      if (logins) await seedDemoCalendar(store.calendars, clock.now().getUTCFullYear(), DEPARTMENTS_ON_OFFICE_HOURS);
      return logins;
    },
    /** Finishes the steps in progress and saves them; takes no new ones. */
    async shutdown(): Promise<void> {
      statusHub?.close();
      notificationHub?.close();
      slaWatch.stop();
      stepNotifications.close();
      // Waiting workers get an empty answer now rather than a cut connection.
      externalTasks.close();
      ticketHub?.close();
      await live?.close();
      await agendaTimers?.stop();
      await scheduler.stop();
      await dispatcher?.stop();
      await calls.idle();
      await reportDeliveries.stop();
      await calendarRecompute.stop();
      await runner.drain();
      projector?.unfollow(runner.events);
      await projector?.idle();
      // Seals what the last steps appended, so a restart starts from a checkpoint of everything.
      await checkpointer.stop();
      await store.close();
    },
  };
}
