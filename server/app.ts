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
import { departmentHeadRoutes } from './departments/department-head.routes.js';
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
import { taskRoutes } from './tasks/task.routes.js';
import { timerRoutes } from './timers/timer.routes.js';
import type { TimerService } from './timers/timer.service.js';
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
  /** Interventions (issue 18): variables, move, restart, migrations, incidents across instances. */
  operations: OperationsService;
  fourEyes: FourEyes;
  /** Sends queued emails; null without a mail transport. */
  dispatcher?: () => OutboxDispatcher | null;
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
  app.use('/api/public', publicCustomerApi(components.intake, components.status));
  app.use(customerPages(components.intake, components.status));

  const signedIn = authenticate(components.auth);
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use('/auth', publicAuthRoutes(components.auth));
  // Everything below needs a session (with CSRF token for changes) or a bearer token.
  api.use(signedIn);
  api.use('/auth', authRoutes(components.auth, components.store.users, components.users));
  api.use('/users', userRoutes(components.users));
  api.use('/departments', departmentHeadRoutes(components.store), departmentRoutes(components.departments));
  api.use('/definitions', definitionRoutes(components.definitions));
  api.use('/connectors', connectorRoutes(components.definitions));
  api.use('/instances', auditRoutes(components.audit), replayRoutes(components.replay));
  // Before the instance routes: with four-eyes on, their cancel is held as a request here.
  api.use('/instances', interventionRoutes(components.operations, components.instances, components.fourEyes));
  api.use('/instances', instanceRoutes(components.instances), customerStaffRoutes(components.status));
  api.use('/incidents', incidentRoutes(components.operations));
  api.use('/migrations', migrationRoutes(components.operations, components.fourEyes));
  api.use('/approvals', approvalRoutes(components.fourEyes));
  api.use('/operations', operationsReadRoutes(new OperationsQuery(components.store, components.operations.clock)));
  api.use('/outbox', outboxRoutes(components.store.outbox, components.dispatcher ?? (() => null), components.logger));
  api.use('/tasks', taskRoutes(components.taskActions));
  api.use('/messages', messageRoutes(components.messages));
  api.use('/timers', timerRoutes(components.timers), timerCancelRoutes(components.operations));
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
