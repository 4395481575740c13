import type { AddressInfo } from 'node:net';

import { loadAuditKey } from './audit/audit-key.js';
import { createBaton } from './baton.js';
import { loadConfig } from './config.js';
import { seedDepartments } from './departments/seed-departments.js';
import { createLogger } from './logger.js';
import { SmtpTransport } from './outbox/smtp-transport.js';
import { openSqliteStore } from './stores/sqlite/sqlite-store.js';
import { batonVersion } from './version.js';

const version = batonVersion();

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.mongodbUri) {
    logger.fatal('MONGODB_URI is set, but the MongoDB store is not part of this version yet; unset it to use the embedded store');
    process.exit(2);
  }

  const auditKey = loadAuditKey(config.audit);
  for (const warning of auditKey.warnings) logger.warn(warning);
  const store = openSqliteStore(config.databaseFile);
  const mailTransport = config.smtp ? new SmtpTransport(config.smtp) : undefined;
  const audit = { key: auditKey.key, checkpointMs: config.audit.checkpointMs, anchorFile: config.audit.anchorFile };
  const baton = createBaton({ store, logger, config, version, mailTransport, agenda: config.agenda, audit });
  await seedDepartments(store.departments);
  for (const result of await baton.deployDirectory(config.processesDir)) {
    if (result.error) logger.error({ file: result.file }, `not deployed: ${result.error}`);
    else logger.info({ file: result.file, key: result.key, version: result.version }, result.created ? 'process deployed' : 'process up to date');
  }
  await baton.agendaTimers?.start();
  baton.scheduler.start();
  baton.checkpointer.start();
  if (baton.dispatcher && config.smtp) {
    baton.dispatcher.start();
    // The host only: the URL usually carries the SMTP password.
    logger.info({ smtpHost: new URL(config.smtp.url).host }, 'emails are sent through SMTP');
  } else {
    logger.warn('BATON_SMTP_URL is not set: emails stay queued in the outbox until SMTP is configured');
  }

  const server = baton.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port, dataDir: config.dataDir, store: store.kind, auditKeyId: auditKey.key.id }, `Baton ${version} is running on http://localhost:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the steps in progress');
    // Stop taking requests and let the ones in flight finish (each waits for its step) before the
    // store closes under them; a stuck client gets 10 s.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await baton.shutdown();
    await mailTransport?.close();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  createLogger('error').fatal({ err }, 'Baton could not start');
  process.exit(1);
});
