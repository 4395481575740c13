/**
 * The one way a test gets a running Baton: in this process, on a fresh SQLite file (or a fresh
 * schema of the embedded PostgreSQL), listening on loopback with the live inbox attached, the
 * controllable clock, optional deployed diagrams and users, closed and removed after.
 *
 * - `useTestServer(options)` inside a `describe`: a fresh server for every test (or, with
 *   `scope: 'all'`, one for the whole describe), read through getters.
 * - `startTestServer(options)` inside a test, for the few that need several servers or a
 *   server with options decided by the test; the test closes it.
 *
 * Tests that must kill a real process (SIGKILL) use server-process.ts instead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createBaton, type Baton } from '../../server/baton.js';
import { ManualClock, systemClock, type Clock } from '../../server/clock.js';
import { seedDepartments } from '../../server/departments/seed-departments.js';
import type { ResidentEnginesOptions } from '../../server/engine/resident-engines.js';
import type { TrustProxy } from '../../server/http/trust-proxy.js';
import type { MailTransport } from '../../server/outbox/mail-transport.js';
import { SmtpTransport } from '../../server/outbox/smtp-transport.js';
import { openStore } from '../../server/stores/open-store.js';
import type { AgendaTimersOptions } from '../../server/timers/agenda-timers.js';
import type { Role } from '../../server/users/user.js';
import { addUser, removeDir, silentLogger, TEST_ADMIN, TEST_CONFIG, testAuditKey, type TestBaton } from './harness.js';
import { listen, type Http } from './http.js';
import { dropSchema, freshSchema, testDatabaseUrl } from './postgres.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

/** A user the server is given before the test runs (password TEST_PASSWORD). */
export interface TestUser {
  username: string;
  role: Role;
  departments?: string[];
  skills?: string[];
}

/** The SMTP server a test server with `mail: true` sends to, and the transport it sends with. */
export interface TestMail {
  sink: SmtpSink;
  transport: SmtpTransport;
}

export interface TestServerOptions {
  /** A manual clock the test moves (default: a new one at the machine's now), or `'system'`. */
  clock?: ManualClock | 'system';
  /** The directory of the SQLite file (default: a fresh temp dir, removed on close). */
  dir?: string;
  /**
   * PostgreSQL instead of SQLite: `{ url, schema }` (two servers given the same are two nodes on one
   * database; the caller drops the schema). Default: SQLite, or a fresh schema on the test
   * PostgreSQL (dropped on close) when BATON_TEST_STORE=postgres.
   */
  postgres?: { url: string; schema: string };
  /** Replaces top-level TEST_CONFIG settings; `trustProxy` as BATON_TRUST_PROXY parses it. */
  config?: Partial<typeof TEST_CONFIG> & { trustProxy?: TrustProxy; residentEngines?: ResidentEnginesOptions };
  /** Sends email through this transport (without one, queued emails stay in the outbox). */
  mailTransport?: MailTransport;
  /** Starts an SMTP sink and sends email to it (`server.mail`); both closed with the server. */
  mail?: boolean;
  /** agenda runs the timers (the test starts `baton.agendaTimers`). */
  agenda?: AgendaTimersOptions;
  auditAnchorFile?: string;
  /** BATON_AUDIT_WITNESS_URL of this Baton. */
  auditWitnessUrl?: string;
  /** BATON_AUDIT_WITNESS_EMAIL of this Baton (needs mailTransport). */
  auditWitnessEmail?: string;
  /** Default 60 s; Baton's own default is 5 min. */
  checkpointMs?: number;
  /** Diagrams (XML) deployed once the server runs. */
  deploy?: string[];
  /** Deploys every diagram of processes/ (what the product ships). */
  deployShipped?: boolean;
  /** Users created once the server runs. */
  users?: TestUser[];
  /** Starts the timer sweep on real time (browser tests); tests on a manual clock call `scheduler.tick()`. */
  runScheduler?: boolean;
}

export interface TestServer<C extends Clock = ManualClock> {
  readonly baton: TestBaton<C>;
  /** Real HTTP to this server, signed in as the test admin (`as`, `session`, `anonymous` for others). */
  readonly http: Http;
  readonly baseUrl: string;
  /** The SMTP sink and transport of a server started with `mail: true`. */
  readonly mail: TestMail;
  /**
   * Closes the server and opens a new one on the same database, with the same clock (a restart);
   * it listens again on a new port. `baton.restart()` does the same and returns the new Baton.
   */
  restart(): Promise<TestServer<C>>;
  /** Closes the server and removes what it created (temp dir, fresh PostgreSQL schema). */
  close(): Promise<void>;
}

/** A running test server (see the module comment); the caller closes it. */
export function startTestServer(options?: TestServerOptions & { clock?: ManualClock }): Promise<TestServer>;
export function startTestServer(options: TestServerOptions & { clock: 'system' }): Promise<TestServer<Clock>>;
export function startTestServer(options: TestServerOptions = {}): Promise<TestServer<Clock>> {
  return openTestServer(options);
}

async function openTestServer(options: TestServerOptions): Promise<TestServer<Clock>> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'baton-test-'));
  const ownSchema = options.postgres === undefined && process.env['BATON_TEST_STORE'] === 'postgres';
  const postgres = options.postgres ?? (ownSchema ? { url: await testDatabaseUrl(), schema: freshSchema() } : undefined);
  // The clock is chosen once: a restart keeps the manual clock's time.
  const chosen = options.clock ?? new ManualClock();
  const clock = chosen === 'system' ? systemClock : chosen;
  const mail = options.mail ? await startMail() : undefined;
  const mailTransport = options.mailTransport ?? mail?.transport;

  // Set by open(): the Baton and its HTTP listener of now (a restart replaces both).
  let baton: TestBaton<Clock> | undefined;
  let http: Http | undefined;
  let closed = false;

  const open = async (): Promise<void> => {
    const opened = await openBaton({ ...options, dir, postgres, clock, mailTransport });
    let listening: Http | undefined = undefined;
    let done = false;
    const shutdown = async () => {
      if (done) return;
      done = true;
      await listening?.close();
      await opened.shutdown();
    };
    const current: TestBaton<Clock> = {
      ...opened,
      clock,
      dir,
      file: path.join(dir, 'baton.db'),
      close: shutdown,
      async restart() {
        return (await server.restart()).baton;
      },
    };
    listening = await listen(current);
    baton = current;
    http = listening;
  };
  const running = () => {
    if (!baton || !http) throw new Error('the test server is not running');
    return { baton, http };
  };
  /** What the server created for itself: the mail sink, the temp dir, the fresh schema. */
  const removeOwn = async () => {
    if (mail) {
      await mail.transport.close();
      await mail.sink.close();
    }
    if (ownDir) removeDir(dir);
    if (ownSchema && postgres) await dropSchema(postgres.schema);
  };

  const server: TestServer<Clock> = {
    get baton() {
      return running().baton;
    },
    get http() {
      return running().http;
    },
    get baseUrl() {
      return running().http.baseUrl;
    },
    get mail() {
      if (!mail) throw new Error('this test server has no mail: start it with `mail: true`');
      return mail;
    },
    async restart() {
      await running().baton.close();
      await open();
      return server;
    },
    async close() {
      if (closed) return;
      closed = true;
      await baton?.close();
      await removeOwn();
    },
  };

  try {
    await open();
  } catch (err) {
    await removeOwn();
    throw err;
  }
  try {
    const { baton: started } = running();
    for (const xml of options.deploy ?? []) await started.definitions.deploy(xml);
    if (options.deployShipped) {
      for (const result of await started.deployDirectory(path.resolve('processes'))) {
        if (result.error) throw new Error(`${result.file}: ${result.error}`);
      }
    }
    for (const user of options.users ?? []) await addUser(started, user.username, user.role, user.departments, user.skills);
    if (options.runScheduler) started.scheduler.start();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

export type UseTestServerOptions<C extends ManualClock | 'system' | undefined = ManualClock | undefined> = TestServerOptions & {
  clock?: C;
  /** 'each' (default): a fresh server for every test; 'all': one for all the tests of the describe. */
  scope?: 'each' | 'all';
};

/**
 * In a `describe`: a fresh server for every test of it (`scope: 'all'`: one for all its tests),
 * closed and removed after. Getters, because the server exists only once the hook ran.
 * Options the suite only knows in its own earlier hook (a temp dir, a witness URL) come as a
 * function, called when each server starts.
 */
export function useTestServer(options?: UseTestServerOptions<ManualClock | undefined> | (() => TestServerOptions & { clock?: ManualClock })): TestServer;
export function useTestServer(options: UseTestServerOptions<'system'> | (() => TestServerOptions & { clock: 'system' })): TestServer<Clock>;
export function useTestServer(options: UseTestServerOptions<ManualClock | 'system' | undefined> | (() => TestServerOptions) = {}): TestServer<Clock> {
  let current: TestServer<Clock> | undefined;
  const scope = typeof options === 'function' ? 'each' : (options.scope ?? 'each');
  const setUp = async () => {
    const serverOptions = typeof options === 'function' ? options() : options;
    // A manual clock given once would be shared by every test: each gets its own copy of its time.
    const clock = serverOptions.clock instanceof ManualClock ? new ManualClock(serverOptions.clock.now()) : serverOptions.clock;
    current = await openTestServer({ ...serverOptions, clock });
  };
  const tearDown = async () => {
    await current?.close();
    current = undefined;
  };
  if (scope === 'all') {
    before(setUp);
    after(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  const need = (): TestServer<Clock> => {
    if (current === undefined) throw new Error('no test server: use it inside a test or hook');
    return current;
  };
  return {
    get baton() {
      return need().baton;
    },
    get http() {
      return need().http;
    },
    get baseUrl() {
      return need().baseUrl;
    },
    get mail() {
      return need().mail;
    },
    restart: () => need().restart(),
    close: () => need().close(),
  };
}

async function startMail(): Promise<TestMail> {
  const sink = await startSmtpSink();
  return { sink, transport: new SmtpTransport({ url: sink.url, from: 'Baton <baton@baton.test>', timeoutMs: 2000 }) };
}

/** A Baton on the chosen database with the test settings, departments seeded and the test admin in. */
async function openBaton(options: Omit<TestServerOptions, 'clock'> & { dir: string; postgres: { url: string; schema: string } | undefined; clock: Clock }) {
  const store = options.postgres
    ? await openStore({ database: { kind: 'postgres', url: options.postgres.url, poolSize: 5 } }, { schema: options.postgres.schema })
    : await openStore({ database: { kind: 'sqlite', file: path.join(options.dir, 'baton.db') } });
  await seedDepartments(store.departments);
  const baton = createBaton({
    store,
    logger: silentLogger,
    clock: options.clock,
    config: { ...TEST_CONFIG, ...options.config },
    version: 'test',
    mailTransport: options.mailTransport,
    agenda: options.agenda,
    audit: {
      key: testAuditKey,
      checkpointMs: options.checkpointMs ?? 60_000,
      anchorFile: options.auditAnchorFile ?? null,
      witnessUrl: options.auditWitnessUrl ?? null,
      witnessEmail: options.auditWitnessEmail ?? null,
    },
  });
  await seedTestAdmin(baton);
  return baton;
}

/** Creates TEST_ADMIN unless the store already has it (a restart on the same database). */
async function seedTestAdmin(baton: Baton): Promise<void> {
  if ((await baton.store.users.getByUsername(TEST_ADMIN.username)) === null) {
    await baton.users.create({ ...TEST_ADMIN, role: 'admin', departments: [], skills: [] });
  }
}
