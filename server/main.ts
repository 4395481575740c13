import type { AddressInfo } from 'node:net';

import { loadAuditKey } from './audit/audit-key.js';
import { createBaton } from './baton.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { demoBanner } from './users/demo-banner.js';
import { generatePassword } from './users/demo-organisation.js';
import { SmtpTransport } from './outbox/smtp-transport.js';
import { describeStore, openStore } from './stores/open-store.js';
import { lockDataDir } from './stores/sqlite/data-dir-lock.js';
import { BatonError } from './errors.js';
import { batonVersion } from './version.js';

const version = batonVersion();

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  const auditKey = loadAuditKey(config.audit);
  for (const warning of auditKey.warnings) logger.warn(warning);
  // One process per SQLite data directory, taken before the database is opened (the OS drops it on
  // exit); PostgreSQL nodes share their database by design.
  const lock = config.database.kind === 'sqlite' ? lockDataDir(config.dataDir) : null;
  const store = await openStore(config);
  const mailTransport = config.smtp ? new SmtpTransport(config.smtp) : undefined;
  const audit = { key: auditKey.key, checkpointMs: config.audit.checkpointMs, anchorFile: config.audit.anchorFile, witnessUrl: config.audit.witnessUrl, witnessEmail: config.audit.witnessEmail };
  const baton = createBaton({ store, logger, config, version, mailTransport, agenda: config.agenda, audit, customer: { publicUrl: config.publicUrl } });
  if (config.demo.enabled) {
    const password = config.demo.password ?? generatePassword();
    const logins = await baton.seedDemo(password);
    if (logins) {
      const generated = config.demo.password === null;
      logger.warn({ users: logins.map((login) => login.username), passwordFrom: generated ? 'generated' : 'BATON_DEMO_PASSWORD' }, 'demo organisation created');
      // A readable block for the newcomer, beside the JSON log; the password is shown only when generated.
      process.stdout.write(demoBanner(logins, generated ? password : null));
    }
  } else if ((await store.users.count()) === 0) {
    logger.warn('no users yet and BATON_DEMO=off: create an administrator with `npm run admin -- create <username>`');
  }
  for (const result of await baton.deployDirectory(config.processesDir)) {
    if (result.error) logger.error({ file: result.file }, `not deployed: ${result.error}`);
    else logger.info({ file: result.file, key: result.key, version: result.version }, result.created ? 'process deployed' : 'process up to date');
  }
  await baton.agendaTimers?.start();
  baton.scheduler.start();
  baton.checkpointer.start();
  baton.slaWatch.start();
  if (baton.dispatcher && config.smtp) {
    baton.dispatcher.start();
    // The host only: the URL usually carries the SMTP password.
    logger.info({ smtpHost: new URL(config.smtp.url).host }, 'emails are sent through SMTP');
  } else {
    logger.warn('BATON_SMTP_URL is not set: emails stay queued in the outbox until SMTP is configured');
  }

  const server = baton.app.listen(config.port, config.host);
  const live = baton.attachLive(server);
  const sweep = setInterval(() => void baton.auth.sweepExpired().catch((err: unknown) => logger.error({ err }, 'expired sessions could not be removed')), 3_600_000);
  sweep.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port, dataDir: config.dataDir, store: describeStore(config), auditKeyId: auditKey.key.id }, `Baton ${version} is running on http://localhost:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the steps in progress');
    // Stop taking requests and let the ones in flight finish (each waits for its step) before the
    // store closes under them; a stuck client gets 10 s.
    // Live sockets are upgraded connections server.close() would wait for: drop them first
    // (clients reconnect to another node, or to this one once it is back, and re-sync from REST).
    await live.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await baton.shutdown();
    await mailTransport?.close();
    lock?.release();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  // A refusal Baton explains (damaged database, data directory in use) is told in words, no stack.
  if (err instanceof BatonError) {
    createLogger('error').fatal({ code: err.code }, 'Baton could not start');
    process.stderr.write(`\nBaton could not start: ${err.message}\n`);
  } else {
    createLogger('error').fatal({ err }, 'Baton could not start');
  }
  process.exit(1);
});
