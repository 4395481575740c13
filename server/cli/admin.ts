/**
 * Creates an administrator (the way in when the demo organisation is off, e.g. in production):
 *   npm run admin -- create <username>          (asks for the password on the terminal)
 *   BATON_ADMIN_PASSWORD=... npm run admin -- create <username>
 * Uses the same configuration as the server (BATON_DATA_DIR).
 */
import { createInterface } from 'node:readline/promises';

import { AccessEvents } from '../auth/access-events.js';
import { AuthService } from '../auth/auth.service.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { MIN_PASSWORD_LENGTH, PasswordHasher } from '../auth/passwords.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { BatonError } from '../errors.js';
import { openSqliteStore } from '../stores/sqlite/sqlite-store.js';
import { UserService } from '../users/user.service.js';

async function readPassword(): Promise<string> {
  const fromEnv = process.env['BATON_ADMIN_PASSWORD'];
  if (fromEnv) return fromEnv;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, username] = argv;
  if (command !== 'create' || !username) {
    process.stderr.write('usage: npm run admin -- create <username>\n');
    return 2;
  }
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) {
    process.stderr.write(`the password needs at least ${MIN_PASSWORD_LENGTH} characters\n`);
    return 2;
  }
  const config = loadConfig();
  const store = openSqliteStore(config.databaseFile);
  try {
    const hasher = new PasswordHasher(config.auth.passwordCost);
    const events = new AccessEvents();
    const auth = new AuthService(store.users, store.credentials, hasher, new LoginLimiter(systemClock), events, systemClock, config.auth);
    const users = new UserService(store.users, store.departments, hasher, auth, events, systemClock);
    const user = await users.create({ username, password, role: 'admin', departments: [], skills: [] });
    process.stdout.write(`administrator ${user.username} created in ${config.databaseFile}\n`);
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

process.exitCode = await main(process.argv.slice(2));
