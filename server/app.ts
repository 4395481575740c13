import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { type Express } from 'express';
import type { Logger } from 'pino';

import { connectorRoutes } from './definitions/connector.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import type { AuditService } from './audit/audit.service.js';
import { definitionRoutes } from './definitions/definition.routes.js';
import { departmentListRoutes } from './departments/department-list.routes.js';
import type { DefinitionService } from './definitions/definition.service.js';
import { NotFoundError } from './errors.js';
import { browserPages } from './http/browser-pages.js';
import { errorHandler } from './http/error-handler.js';
import { localOnly } from './http/local-only.js';
import { instanceRoutes, messageRoutes } from './instances/instance.routes.js';
import type { InstanceService } from './instances/instance.service.js';
import type { MessageService } from './instances/message.service.js';
import { replayRoutes } from './replay/replay.routes.js';
import type { ReplayService } from './replay/replay.service.js';
import type { Store } from './stores/store.js';
import { taskRoutes } from './tasks/task.routes.js';
import { timerRoutes } from './timers/timer.routes.js';
import type { TimerService } from './timers/timer.service.js';
import type { TaskService } from './tasks/task.service.js';

export interface AppComponents {
  store: Store;
  definitions: DefinitionService;
  instances: InstanceService;
  tasks: TaskService;
  messages: MessageService;
  timers: TimerService;
  audit: AuditService;
  replay: ReplayService;
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

  app.get('/health', async (_req, res) => {
    try {
      await components.store.ping();
      res.json({ status: 'ok', version: components.version, store: components.store.kind });
    } catch (err) {
      components.logger.error({ err }, 'health check: store unreachable');
      res.status(503).json({ status: 'unavailable', version: components.version, store: components.store.kind });
    }
  });

  const api = express.Router();
  api.use(localOnly);
  api.use(express.json({ limit: '1mb' }));
  api.use('/definitions', definitionRoutes(components.definitions));
  api.use('/connectors', connectorRoutes(components.definitions));
  api.use('/departments', departmentListRoutes(components.store.departments));
  api.use('/instances', auditRoutes(components.audit), replayRoutes(components.replay));
  api.use('/instances', instanceRoutes(components.instances));
  api.use('/tasks', taskRoutes(components.tasks));
  api.use('/messages', messageRoutes(components.messages));
  api.use('/timers', timerRoutes(components.timers));
  api.use((req, _res, next) => next(new NotFoundError(`No API route ${req.method} ${req.path}`)));
  app.use('/api', api);
  app.get('/metrics', localOnly, async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await components.timers.prometheus());
  });

  app.use(browserPages(components.webDir ?? DEFAULT_WEB_DIR));
  app.use(errorHandler(components.logger));
  return app;
}
