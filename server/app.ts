import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { type Express } from 'express';
import type { Logger } from 'pino';

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
import { departmentRoutes } from './departments/department.routes.js';
import type { DepartmentService } from './departments/department.service.js';
import { NotFoundError } from './errors.js';
import type { HealthState } from './health/health-state.js';
import { browserPages } from './http/browser-pages.js';
import { authenticate } from './http/authenticate.js';
import { errorHandler } from './http/error-handler.js';
import { fieldRoutes } from './field/field.routes.js';
import { fieldKpis } from './field/field-kpis.js';
import { publicInvoiceRoutes, staffInvoiceRoutes } from './field/invoice.routes.js';
import type { FieldService } from './field/field.service.js';
import type { VisitService } from './field/visit.service.js';
import { refuseHostileBody } from './http/hostile-values.js';
import { guard } from './http/roles.js';
import type { TrustProxy } from './http/trust-proxy.js';
import { instanceRoutes, messageRoutes } from './instances/instance.routes.js';
import type { InstanceService } from './instances/instance.service.js';
import type { MessageService } from './instances/message.service.js';
import { notificationRoutes } from './notifications/notification.routes.js';
import type { NotificationService } from './notifications/notification.service.js';
import { replayRoutes } from './replay/replay.routes.js';
import type { ReplayService } from './replay/replay.service.js';
import type { Store } from './stores/store.js';
import type { TaskActions } from './tasks/task-actions.js';
import { taskRoutes } from './tasks/task.routes.js';
import { timerRoutes } from './timers/timer.routes.js';
import type { TimerService } from './timers/timer.service.js';
import { accountRoutes } from './users/account.routes.js';
import type { AccountService } from './users/account.service.js';
import { userRoutes } from './users/user.routes.js';
import type { UserService } from './users/user.service.js';

export interface AppComponents {
  store: Store;
  auth: AuthService;
  users: UserService;
  departments: DepartmentService;
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
  visits: VisitService;
  accounts: AccountService;
  notifications: NotificationService;
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
  app.use('/api/public', publicCustomerApi(components.intake, components.status));
  app.use(customerPages(components.intake, components.status));

  const signedIn = authenticate(components.auth);
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }), refuseHostileBody);
  api.use('/auth', publicAuthRoutes(components.auth, components.accounts, secureCookies));
  // Everything below needs a session (with CSRF token for changes) or a bearer token.
  api.use(signedIn);
  api.use('/auth', authRoutes(components.auth, components.store.users));
  api.use('/account', accountRoutes(components.accounts, secureCookies));
  api.use('/users/me', accountRoutes(components.accounts, secureCookies));
  api.use('/users', userRoutes(components.users, components.field));
  api.use('/departments', departmentRoutes(components.departments));
  api.use('/definitions', definitionRoutes(components.definitions));
  api.use('/connectors', connectorRoutes(components.definitions));
  api.use(fieldRoutes(components.field, components.visits, (month, only) => fieldKpis(components.store, month, only)), staffInvoiceRoutes(components.store.instances));
  api.use('/instances', auditRoutes(components.audit), replayRoutes(components.replay));
  api.use('/instances', instanceRoutes(components.instances), customerStaffRoutes(components.status));
  api.use('/tasks', taskRoutes(components.taskActions));
  api.use('/messages', messageRoutes(components.messages));
  api.use('/timers', timerRoutes(components.timers));
  api.use('/notifications', notificationRoutes(components.notifications));
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
