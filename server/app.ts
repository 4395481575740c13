import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { type Express } from 'express';
import type { Logger } from 'pino';

import { analyticsRoutes, reportRoutes } from './analytics/analytics.routes.js';
import type { AnalyticsService } from './analytics/analytics.service.js';
import type { ReportDeliveries } from './analytics/report-deliveries.js';
import { connectorRoutes } from './definitions/connector.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import type { AuditService } from './audit/audit.service.js';
import { authRoutes, publicAuthRoutes } from './auth/auth.routes.js';
import type { AuthService } from './auth/auth.service.js';
import { customerPages, customerStaffRoutes, publicCustomerApi } from './customer/customer.routes.js';
import type { IntakeService } from './customer/intake.service.js';
import type { StatusService } from './customer/status.service.js';
import { definitionRoutes } from './definitions/definition.routes.js';
import type { DefinitionService } from './definitions/definition.service.js';
import { departmentHeadRoutes } from './departments/department-head.routes.js';
import { calendarRoutes } from './calendars/calendar.routes.js';
import type { CalendarService } from './calendars/calendar.service.js';
import { slaPauseRoutes } from './calendars/sla-pause.routes.js';
import type { SlaPauseService } from './calendars/sla-pause.service.js';
import { departmentRoutes } from './departments/department.routes.js';
import type { DepartmentService } from './departments/department.service.js';
import { NotFoundError } from './errors.js';
import type { HealthState } from './health/health-state.js';
import { externalTaskRoutes } from './external-tasks/external-task.routes.js';
import type { ExternalTaskService } from './external-tasks/external-task.service.js';
import { browserPages } from './http/browser-pages.js';
import { authenticate } from './http/authenticate.js';
import { errorHandler } from './http/error-handler.js';
import { fieldRoutes } from './field/field.routes.js';
import { fieldKpis } from './field/field-kpis.js';
import { publicInvoiceRoutes, staffInvoiceRoutes } from './field/invoice.routes.js';
import { ratingPages } from './customer/rating.routes.js';
import type { RatingLinks } from './customer/rating-links.js';
import type { FieldService } from './field/field.service.js';
import type { VisitService } from './field/visit.service.js';
import { refuseHostileBody, refuseNulInUrl } from './http/hostile-values.js';
import { guard } from './http/roles.js';
import type { TrustProxy } from './http/trust-proxy.js';
import { instanceRoutes, messageRoutes } from './instances/instance.routes.js';
import type { InstanceService } from './instances/instance.service.js';
import type { MessageService } from './instances/message.service.js';
import { notificationRoutes } from './notifications/notification.routes.js';
import type { NotificationService } from './notifications/notification.service.js';
import { OperationsQuery } from './operations/operations-query.js';
import type { FourEyes } from './operations/four-eyes.js';
import { approvalRoutes, incidentRoutes, interventionRoutes, migrationRoutes, operationsReadRoutes, timerCancelRoutes } from './operations/operations.routes.js';
import type { OperationsService } from './operations/operations.service.js';
import type { OutboxDispatcher } from './outbox/outbox-dispatcher.js';
import { outboxRoutes } from './outbox/outbox.routes.js';
import { replayRoutes } from './replay/replay.routes.js';
import type { ReplayService } from './replay/replay.service.js';
import type { Store } from './stores/store.js';
import type { TaskActions } from './tasks/task-actions.js';
import type { TaskBpmnErrors } from './tasks/task-bpmn-errors.js';
import { taskRoutes } from './tasks/task.routes.js';
import { timerRoutes } from './timers/timer.routes.js';
import type { TimerService } from './timers/timer.service.js';
import { accountRoutes } from './users/account.routes.js';
import type { AccountService } from './users/account.service.js';
import { directoryRoutes, publicTicketApi, ticketInstanceRoutes, ticketRoutes, ticketTaskRoutes } from './tickets/ticket.routes.js';
import type { TicketService } from './tickets/ticket.service.js';
import { userRoutes } from './users/user.routes.js';
import type { UserService } from './users/user.service.js';

export interface AppComponents {
  store: Store;
  auth: AuthService;
  users: UserService;
  departments: DepartmentService;
  calendars: CalendarService;
  slaPauses: SlaPauseService;
  definitions: DefinitionService;
  instances: InstanceService;
  taskActions: TaskActions;
  messages: MessageService;
  timers: TimerService;
  audit: AuditService;
  replay: ReplayService;
  intake: IntakeService;
  status: StatusService;
  field: FieldService;
  /** The feedback email's one-click rating links. */
  ratingLinks: RatingLinks;
  visits: VisitService;
  accounts: AccountService;
  notifications: NotificationService;
  /** External task workers (issue 19). */
  externalTasks: ExternalTaskService;
  /** BPMN errors people end tasks with (issue 19). */
  taskErrors?: TaskBpmnErrors;
  /** Interventions (issue 18): variables, move, restart, migrations, incidents across instances. */
  operations: OperationsService;
  fourEyes: FourEyes;
  /** Sends queued emails; null without a mail transport. */
  dispatcher?: () => OutboxDispatcher | null;
  analytics: AnalyticsService;
  reportDeliveries: ReportDeliveries;
  /** The service desk: finding tickets, their story, the conversation with the customer. */
  tickets: TicketService;
  logger: Logger;
  /** Store fault episodes and alarms (the audit anchor) that /health reports. */
  health: HealthState;
  version: string;
  /** BATON_TRUST_PROXY: behind a TLS proxy, the client's address and https come from its headers, and cookies are Secure. */
  trustProxy?: TrustProxy;
  /** The built browser app (default `dist/web/` in the repository). */
  webDir?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: server/ sits below it in the source tree, dist/server/ once built. */
const repoRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const DEFAULT_WEB_DIR = path.join(repoRoot, 'dist', 'web');

/** Routes and middleware only: no I/O at import time, everything it uses is passed in. */
export function createApp(components: AppComponents): Express {
  const app = express();
  app.disable('x-powered-by');
  const trustProxy = components.trustProxy ?? false;
  app.set('trust proxy', trustProxy);
  // Behind a TLS proxy the browser speaks https even where the proxy forwards plain http.
  const secureCookies = trustProxy !== false;

  app.use(refuseNulInUrl);

  // Public: load balancers and uptime checks call it without credentials; it says nothing private.
  // A node whose database is away answers 503 with Retry-After (the balancer routes elsewhere) and
  // 200 again by itself once it is back: every check asks the database anew.
  app.get('/health', async (_req, res) => {
    const { store } = components;
    try {
      await store.ping();
      const schemaVersion = await store.schemaVersion();
      const { status, problems } = components.health.report();
      const body = { status, version: components.version, store: store.kind, schemaVersion, database: 'reachable', ...(problems.length ? { problems } : {}) };
      if (status === 'unavailable') res.set('Retry-After', '5');
      res.status(status === 'unavailable' ? 503 : 200).json(body);
    } catch (err) {
      components.logger.error({ err }, 'health check: store unreachable');
      res.set('Retry-After', '5').status(503).json({ status: 'unavailable', version: components.version, store: store.kind, database: 'unreachable' });
    }
  });

  // Public, for customers (no account): intake, QR codes, status by token. Mounted before the API
  // router so its own small body limits apply, not the API's 1 MB.
  app.use(publicInvoiceRoutes(components.status, components.store.instances));
  app.use('/api/public', publicTicketApi(components.tickets, components.status), publicCustomerApi(components.intake, components.status));
  app.use(customerPages(components.intake, components.status, components.tickets));
  app.use(ratingPages({ links: components.ratingLinks, instances: components.store.instances, customer: components.store.customer, clock: components.operations.clock }));

  const signedIn = authenticate(components.auth);
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }), refuseHostileBody);
  api.use('/auth', publicAuthRoutes(components.auth, components.accounts, secureCookies));
  // Everything below needs a session (with CSRF token for changes) or a bearer token.
  api.use(signedIn);
  api.use('/auth', authRoutes(components.auth, components.store.users, components.users));
  api.use('/account', accountRoutes(components.accounts, secureCookies));
  api.use('/users/me', accountRoutes(components.accounts, secureCookies));
  api.use('/users', userRoutes(components.users, components.field));
  api.use('/departments', departmentHeadRoutes(components.store), departmentRoutes(components.departments));
  api.use('/calendars', calendarRoutes(components.calendars));
  api.use('/definitions', definitionRoutes(components.definitions));
  api.use('/connectors', connectorRoutes(components.definitions));
  api.use(
    fieldRoutes(components.field, components.visits, (month, only) => fieldKpis(components.store, month, only)),
    staffInvoiceRoutes(components.store.instances),
  );
  api.use('/instances', auditRoutes(components.audit), replayRoutes(components.replay));
  // Before the instance routes: with four-eyes on, their cancel is held as a request here.
  api.use('/instances', interventionRoutes(components.operations, components.instances, components.fourEyes));
  api.use('/instances', ticketInstanceRoutes(components.tickets), instanceRoutes(components.instances, components.tickets), customerStaffRoutes(components.status));
  api.use('/tickets', ticketRoutes(components.tickets));
  api.use('/directory', directoryRoutes(components.store.users, components.departments));
  api.use('/incidents', incidentRoutes(components.operations));
  api.use('/migrations', migrationRoutes(components.operations, components.fourEyes));
  api.use('/approvals', approvalRoutes(components.fourEyes));
  api.use('/operations', operationsReadRoutes(new OperationsQuery(components.store, components.operations.clock)));
  api.use('/outbox', outboxRoutes(components.store.outbox, components.dispatcher ?? (() => null), components.logger));
  api.use('/tasks', ticketTaskRoutes(components.tickets, components.taskErrors), taskRoutes(components.taskActions, components.taskErrors), slaPauseRoutes(components.slaPauses));
  api.use('/messages', messageRoutes(components.messages));
  api.use('/timers', timerRoutes(components.timers), timerCancelRoutes(components.operations));
  api.use('/notifications', notificationRoutes(components.notifications));
  api.use('/external-tasks', externalTaskRoutes(components.externalTasks));
  api.use('/reports', reportRoutes(components.analytics, components.reportDeliveries));
  api.use('/analytics', analyticsRoutes(components.analytics));
  api.use((req, _res, next) => next(new NotFoundError(`No API route ${req.method} ${req.path}`)));
  app.use('/api', api);
  // Scrapers use a bearer token of an admin.
  app.get('/metrics', signedIn, async (req, res) => {
    guard(req, 'admin');
    res.type('text/plain; version=0.0.4').send(await components.timers.prometheus());
  });

  app.use(browserPages(components.webDir ?? DEFAULT_WEB_DIR));
  app.use(errorHandler(components.logger, components.health));
  return app;
}
