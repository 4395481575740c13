import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { signInToken } from './http.js';

/** The repository root: test/support/ sits two levels below it. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One pino JSON line of the server's stdout (fields beyond these vary by message). */
export interface LogLine {
  level?: number;
  msg?: string;
  port?: number;
  [field: string]: unknown;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port>, no trailing slash. */
  readonly baseUrl: string;
  /** Every stdout line parsed as JSON so far (non-JSON lines are kept as `{ msg: <text> }`). */
  readonly logs: LogLine[];
  /** stderr text so far, for failure messages. */
  readonly stderr: () => string;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** Sends a signal; a no-op once the process has exited. */
  kill(signal: NodeJS.Signals): void;
  /** Waits for the exit, failing after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<ExitStatus>;
  /** For after() hooks: SIGKILL if still running, then wait for the exit. Never throws. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  dataDir: string;
  processesDir: string;
  /** How long start-up may take before the child is killed and the start fails. */
  startTimeoutMs?: number;
  /** Extra environment for the child (wins over the defaults). */
  env?: Record<string, string>;
}

export const DEMO_PASSWORD = 'crash-test-demo-password';

/**
 * Authorization headers of the demo admin of a server started here. Tokens live in the database,
 * so the same headers work against a server restarted on the same data directory.
 */
export async function adminHeaders(baseUrl: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signInToken(baseUrl, 'admin', DEMO_PASSWORD)}` };
}

const RUNNING = /is running on http:\/\/localhost:(\d+)/;

/** Children still alive, killed when the test process exits whatever happened (no orphan servers). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts the real server entry (server/main.ts) as a child process on a port the OS picks
 * (PORT=0) and resolves once it logged the "is running on http://localhost:<port>" line, with
 * the port read from that line.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever the developer's shell has set must not leak into the server under test.
  for (const name of Object.keys(env)) {
    if (name.startsWith('BATON_') || name === 'PORT' || name === 'HOST' || name === 'LOG_LEVEL') delete env[name];
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    BATON_DATA_DIR: options.dataDir,
    BATON_PROCESSES_DIR: options.processesDir,
    LOG_LEVEL: 'info',
    // A fixed key: the default would create a key directory beside every temporary data dir.
    BATON_AUDIT_KEY: 'baton-test-audit-key-0123456789abcdef',
    // The demo organisation with a known password: tests sign in as its admin (serverToken).
    BATON_DEMO_PASSWORD: DEMO_PASSWORD,
    ...options.env,
  });

  // node itself runs main.ts (tsx as a loader, not the tsx CLI): the pid is the server's, so a
  // signal reaches the server and not a wrapper that would leave it running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  const logs: LogLine[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not log "is running" within ${timeoutMs} ms\nstdout:\n${tail(logs)}\nstderr:\n${stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = parseLine(line);
      logs.push(entry);
      const match = typeof entry.msg === 'string' ? RUNNING.exec(entry.msg) : null;
      if (!match) return;
      clearTimeout(timer);
      const logged = Number(match[1]);
      if (entry.port !== logged || !Number.isInteger(logged) || logged <= 0) {
        child.kill('SIGKILL');
        reject(new Error(`the "is running" line names port ${match[1]} but its port field is ${String(entry.port)}: ${line}`));
        return;
      }
      resolve(logged);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}, signal ${signal}) before it was running\nstdout:\n${tail(logs)}\nstderr:\n${stderr}`));
    });
  });

  const waitForExit = async (timeoutMs = 20_000): Promise<ExitStatus> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`server pid ${child.pid} did not exit within ${timeoutMs} ms\nstdout:\n${tail(logs)}`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    pid: child.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    stderr: () => stderr,
    exited,
    kill(signal) {
      if (!hasExited) child.kill(signal);
    },
    waitForExit,
    async stop() {
      if (!hasExited) child.kill('SIGKILL');
      await exited;
    },
  };
}

function parseLine(line: string): LogLine {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as LogLine;
  } catch {
    // not JSON: keep the text
  }
  return { msg: line };
}

function tail(logs: LogLine[], count = 20): string {
  return logs
    .slice(-count)
    .map((entry) => JSON.stringify(entry))
    .join('\n');
}
