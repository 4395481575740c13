import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';

import { PasswordHasher } from '../../server/auth/passwords.js';
import { ManualClock } from '../../server/clock.js';
import { DEMO_DEPARTMENTS } from '../../server/departments/seed-departments.js';
import { openSqliteStore } from '../../server/stores/sqlite/sqlite-store.js';
import { demoPeople, seedDemoOrganisation } from '../../server/users/demo-organisation.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const run = promisify(execFile);

describe('Demo organisation and the first administrator', function () {
  this.timeout(60_000);
  let dir: string;
  const servers: ServerProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baton-demo-'));
    mkdirSync(path.join(dir, 'processes'));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the departments and a user per role and department into an empty store, once', async () => {
    const store = openSqliteStore(':memory:');
    const hasher = new PasswordHasher(4);
    const logins = await seedDemoOrganisation(store, hasher, new ManualClock(), 'demo-password-1');
    expect(logins!.map((login) => login.username)).to.deep.equal(demoPeople().map((person) => person.username));
    expect(logins!.map((login) => login.role)).to.include.members(['admin', 'process-owner', 'auditor', 'staff']);
    for (const department of DEMO_DEPARTMENTS) expect((await store.users.inDepartment(department.id)).length, department.id).to.be.at.least(1);
    const admin = await store.users.getByUsername('admin');
    expect(await hasher.verify('demo-password-1', admin!.passwordHash)).to.equal(true);
    expect(await seedDemoOrganisation(store, hasher, new ManualClock(), 'other-password')).to.equal(null);
    await store.close();
  });

  it('prints the logins with a generated password on first start, and that password signs in', async () => {
    // when the server starts on an empty data directory without BATON_DEMO_PASSWORD
    const server = await startServerProcess({ dataDir: path.join(dir, 'data'), processesDir: path.join(dir, 'processes'), env: { BATON_DEMO_PASSWORD: '', BATON_BCRYPT_COST: '4' } });
    servers.push(server);
    // then stdout has a readable block with the generated password and the users
    const lines = server.logs.map((line) => line.msg ?? '');
    const passwordLine = lines.find((line) => line.startsWith('Password of every demo user (generated'));
    expect(passwordLine, lines.join('\n')).to.be.a('string');
    expect(lines.some((line) => /^\s+staff-l1\s+staff \(l1\)$/.test(line))).to.equal(true);
    const password = passwordLine!.split(': ').at(-1)!;
    // and the admin signs in with it
    const res = await fetch(`${server.baseUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    expect(res.status).to.equal(201);
  });

  it('creates no demo users with BATON_DEMO=off; the admin CLI creates the first administrator', async () => {
    const env = { BATON_DEMO: 'off', BATON_BCRYPT_COST: '4' };
    const server = await startServerProcess({ dataDir: path.join(dir, 'data'), processesDir: path.join(dir, 'processes'), env });
    servers.push(server);
    expect(server.logs.some((line) => /BATON_DEMO=off/.test(String(line.msg)))).to.equal(true);
    await server.stop();
    // when an administrator is created with the CLI
    const cli = await run(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', 'create', 'boss'], {
      env: { ...process.env, BATON_DATA_DIR: path.join(dir, 'data'), BATON_ADMIN_PASSWORD: 'boss-password-1', BATON_BCRYPT_COST: '4' },
    });
    expect(cli.stdout).to.match(/administrator boss created/);
    // then the store has exactly that user, an admin whose password works
    const store = openSqliteStore(path.join(dir, 'data', 'baton.db'));
    const users = await store.users.list();
    expect(users.map((user) => [user.username, user.role])).to.deep.equal([['boss', 'admin']]);
    expect(await new PasswordHasher(4).verify('boss-password-1', users[0]!.passwordHash)).to.equal(true);
    await store.close();
  });
});
