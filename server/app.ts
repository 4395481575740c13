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
import { browserPages } from './http/browser-pages.js';
import { authenticate } from './http/authenticate.js';
import { errorHandler } from './http/error-handler.js';
import { guard } from './http/roles.js';
import { instanceRoutes, messageRoutes } from './instances/instance.routes.js';
import type { InstanceService } from './instances/instance.service.js';
import type { MessageService } from './instances/message.service.js';
import { replayRoutes } from './replay/replay.routes.js';
import type { ReplayService } from './replay/replay.service.js';
import type { Store } from './stores/store.js';
import type { TaskActions } from './tasks/task-actions.js';
import { taskRoutes } from './tasks/task.routes.js';
import { timerRoutes } from './timers/timer.routes.js';
import type { TimerService } from './timers/timer.service.js';
import { directoryRoutes, publicTicketApi, ticketInstanceRoutes, ticketRoutes, ticketTaskRoutes } from './tickets/ticket.routes.js';
import type { TicketService } from './tickets/ticket.service.js';
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
  /** The service desk: finding tickets, their story, the conversation with the customer. */
  tickets: TicketService;
  logger: Logger;
  version: string;
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
  app.set('trust proxy', false);

  // Public: load balancers and uptime checks call it without credentials; it says nothing private.
  app.get('/health', async (_req, res) => {
    try {
      await components.store.ping();
      res.json({ status: 'ok', version: components.version, store: components.store.kind });
    } catch (err) {
      components.logger.error({ err }, 'health check: store unreachable');
      res.status(503).json({ status: 'unavailable', version: components.version, store: components.store.kind });
    }
  });

  // Public, for customers (no account): intake, QR codes, status by token. Mounted before the API
  // router so its own small body limits apply, not the API's 1 MB.
  app.use('/api/public', publicTicketApi(components.tickets, components.status), publicCustomerApi(components.intake, components.status));
  app.use(customerPages(components.intake, components.status, components.tickets));

  const signedIn = authenticate(components.auth);
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use('/auth', publicAuthRoutes(components.auth));
  // Everything below needs a session (with CSRF token for changes) or a bearer token.
  api.use(signedIn);
  api.use('/auth', authRoutes(components.auth, components.store.users));
  api.use('/users', userRoutes(components.users));
  api.use('/departments', departmentRoutes(components.departments));
  api.use('/definitions', definitionRoutes(components.definitions));
  api.use('/connectors', connectorRoutes(components.definitions));
  api.use('/instances', auditRoutes(components.audit), replayRoutes(components.replay));
  api.use('/instances', ticketInstanceRoutes(components.tickets), instanceRoutes(components.instances, components.tickets), customerStaffRoutes(components.status));
  api.use('/tickets', ticketRoutes(components.tickets));
  api.use('/directory', directoryRoutes(components.store.users, components.departments));
  api.use('/tasks', ticketTaskRoutes(components.tickets), taskRoutes(components.taskActions));
  api.use('/messages', messageRoutes(components.messages));
  api.use('/timers', timerRoutes(components.timers));
  api.use((req, _res, next) => next(new NotFoundError(`No API route ${req.method} ${req.path}`)));
  app.use('/api', api);
  // Scrapers use a bearer token of an admin.
  app.get('/metrics', signedIn, async (req, res) => {
    guard(req, 'admin');
    res.type('text/plain; version=0.0.4').send(await components.timers.prometheus());
  });

  app.use(browserPages(components.webDir ?? DEFAULT_WEB_DIR));
  app.use(errorHandler(components.logger));
  return app;
}
