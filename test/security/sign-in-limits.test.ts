import { expect } from 'chai';

import { AccessEvents } from '../../server/auth/access-events.js';
import { AuthService } from '../../server/auth/auth.service.js';
import { BoundedWork } from '../../server/auth/bounded-work.js';
import { LoginLimiter } from '../../server/auth/login-limiter.js';
import { PasswordHasher } from '../../server/auth/passwords.js';
import { BatonError } from '../../server/errors.js';
import { addUser, TEST_CONFIG, TEST_PASSWORD } from '../support/harness.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

function codeOf(outcome: PromiseSettledResult<unknown>): string {
  if (outcome.status === 'fulfilled') return 'SIGNED_IN';
  return outcome.reason instanceof BatonError ? outcome.reason.code : 'BUG';
}

describe('Sign-in under attack', () => {
  // Started by the tests that need one (the later ones test parts alone).
  let server: TestServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('counts each attempt before the password is compared: a correct guess inside a burst of 40 gets no token (hole 3)', async () => {
    const { baton } = (server = await startTestServer());
    await addUser(baton, 'ada', 'staff', ['l1']);
    // given the sign-in service on the real store, with no cap on concurrent sign-ins per address
    const auth = new AuthService(baton.store.users, baton.store.credentials, new PasswordHasher(4), new LoginLimiter(baton.store.rateLimits, baton.clock), new AccessEvents(), baton.clock, {
      ...TEST_CONFIG.auth,
      maxPendingPerAddress: 1000,
    });
    // when 40 guesses arrive at once from one address, the right password 20th
    const guesses = Array.from({ length: 40 }, (_, index) => (index === 19 ? TEST_PASSWORD : `wrong-password-${index}`));
    const outcomes = await Promise.allSettled(guesses.map((password) => auth.signIn('ada', password, '203.0.113.9', 'token')));
    const codes = outcomes.map(codeOf);
    // then only the first five were compared, everything after them waits, the right one too
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).to.have.length(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).to.have.length(35);
    expect(codes[19]).to.equal('RATE_LIMITED');
  });

  it('a correct password still signs in at once when no burst came first (the reverse path)', async () => {
    const { baton } = (server = await startTestServer());
    await addUser(baton, 'ada', 'staff', ['l1']);
    const auth = new AuthService(
      baton.store.users,
      baton.store.credentials,
      new PasswordHasher(4),
      new LoginLimiter(baton.store.rateLimits, baton.clock),
      new AccessEvents(),
      baton.clock,
      TEST_CONFIG.auth,
    );
    await auth.signIn('ada', 'wrong-password-1', '203.0.113.9', 'token').catch(() => null);
    const issued = await auth.signIn('ada', TEST_PASSWORD, '203.0.113.9', 'token');
    expect(issued.user.username).to.equal('ada');
  });

  it('keeps /health quick while 60 token requests for unknown users arrive at once (hole 4)', async function () {
    this.timeout(60_000);
    // given a Baton with a real bcrypt cost (each compare tens of ms of CPU)
    const { http } = (server = await startTestServer({ config: { auth: { ...TEST_CONFIG.auth, passwordCost: 11 } } }));
    const client = http.anonymous;
    // when 60 sign-ins for made-up names arrive together from one address
    const burst = Array.from({ length: 60 }, (_, index) => client.request('POST', '/api/auth/token', { username: `nobody-${index}`, password: 'guess-guess-guess' }));
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const health = await client.request('GET', '/health');
    const healthMs = performance.now() - started;
    const statuses = (await Promise.all(burst)).map((res) => res.status);
    // then /health answered promptly, the address got 429 beyond its share, and nobody a 5xx
    expect(health.status).to.equal(200);
    expect(healthMs, `health took ${Math.round(healthMs)} ms`).to.be.below(1500);
    expect(statuses.filter((status) => status === 429).length).to.be.at.least(40);
    expect(statuses.every((status) => status === 401 || status === 429)).to.equal(true);
  });

  it('runs at most `concurrency` jobs at once and refuses beyond the waiting room with BUSY', async () => {
    const work = new BoundedWork(2, 3);
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const job = () =>
      new Promise<number>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        releases.push(() => {
          running -= 1;
          resolve(running);
        });
      });
    const accepted = Array.from({ length: 5 }, () => work.run(job));
    const refused = await work.run(job).then(
      () => 'ran',
      (err: unknown) => (err instanceof BatonError ? err.code : 'BUG'),
    );
    expect(refused).to.equal('BUSY');
    expect(work.load()).to.deep.equal({ running: 2, waiting: 3 });
    while (releases.length || work.load().running) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(accepted);
    expect(most).to.equal(2);
  });
});
