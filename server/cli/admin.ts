/**
 * Creates an administrator (the way in when the demo organisation is off, e.g. in production):
 *   npm run admin -- create <username>          (asks for the password on the terminal, not echoed)
 *   BATON_ADMIN_PASSWORD=... npm run admin -- create <username>
 * Uses the same configuration as the server (BATON_DATA_DIR, or BATON_DATABASE_URL).
 */
import { AccessEvents } from '../auth/access-events.js';
import { AuthService } from '../auth/auth.service.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { MIN_PASSWORD_LENGTH, passwordProblem, PasswordHasher } from '../auth/passwords.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { BatonError } from '../errors.js';
import { describeStore, openStore } from '../stores/open-store.js';
import { UserService } from '../users/user.service.js';

/** Reads a line from the terminal without echoing it. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string | null> {
  const fromEnv = process.env['BATON_ADMIN_PASSWORD'];
  if (fromEnv) return fromEnv;
  // Without a terminal there is nobody to ask (and nothing to hide the typing from).
  if (!process.stdin.isTTY) return null;
  return askHidden(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
}

async function main(argv: string[]): Promise<number> {
  const [command, username] = argv;
  if (command !== 'create' || !username) {
    process.stderr.write('usage: npm run admin -- create <username>\n');
    return 2;
  }
  const password = await readPassword();
  if (password === null) {
    process.stderr.write('no terminal to ask for the password: set BATON_ADMIN_PASSWORD\n');
    return 2;
  }
  const problem = passwordProblem(password);
  if (problem) {
    process.stderr.write(`the password needs ${problem}\n`);
    return 2;
  }
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const hasher = new PasswordHasher(config.auth.passwordCost);
    const events = new AccessEvents();
    const auth = new AuthService(store.users, store.credentials, hasher, new LoginLimiter(store.rateLimits, systemClock), events, systemClock, config.auth);
    const users = new UserService(store.users, store.departments, hasher, auth, events, systemClock);
    const user = await users.create({ username, password, role: 'admin', departments: [], skills: [] });
    process.stdout.write(`administrator ${user.username} created in ${describeStore(config).location}\n`);
    return 0;
  } catch (err) {
    if (err instanceof BatonError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // A damaged database explains itself (with the restore steps) rather than as a stack.
  if (!(err instanceof BatonError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
