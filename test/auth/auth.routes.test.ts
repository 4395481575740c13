import { expect } from 'chai';

import { addUser, TEST_ADMIN, TEST_PASSWORD } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

interface ErrorBody {
  error: { code: string };
}

describe('Sign-in, sessions and bearer tokens', () => {
  const t = useTestServer();

  beforeEach(async () => {
    await addUser(t.baton, 'ada', 'staff', ['l1']);
  });

  it('answers 401 to an API call without credentials, and keeps /health public', async () => {
    const res = await t.http.anonymous.request('GET', '/api/tasks');
    expect(res.status).to.equal(401);
    expect((res.body as ErrorBody).error.code).to.equal('UNAUTHENTICATED');
    expect((await t.http.anonymous.request('GET', '/health')).status).to.equal(200);
    expect((await t.http.anonymous.request('GET', '/metrics')).status).to.equal(401);
    expect((await t.http.request('GET', '/metrics')).status).to.equal(200);
  });

  it('signs in with an httpOnly SameSite session cookie, and stores only a bcrypt hash of the password', async () => {
    // when ada signs in
    const res = await t.http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD });
    // then the cookie is httpOnly and SameSite, and the answer carries a CSRF token
    expect(res.status).to.equal(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie)
      .to.match(/^baton_session=/)
      .and.match(/HttpOnly/i)
      .and.match(/SameSite=Lax/i);
    expect((res.body as { csrfToken: string }).csrfToken)
      .to.be.a('string')
      .with.length.above(20);
    expect(res.body).to.have.nested.property('user.username', 'ada');
    expect(res.body).not.to.have.nested.property('user.passwordHash');
    const stored = await t.baton.store.users.getByUsername('ada');
    expect(stored!.passwordHash).to.match(/^\$2[aby]\$04\$/);
    // and the session secret is not stored as such
    const secret = decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!);
    const db = (t.baton.store as unknown as { db: { prepare(sql: string): { all(): { secret_hash: string }[] } } }).db;
    expect(
      db
        .prepare('SELECT secret_hash FROM credentials')
        .all()
        .map((row) => row.secret_hash),
    ).not.to.include(secret);
  });

  it('needs the CSRF header for a change made with the session cookie, not for reads', async () => {
    // given a signed-in admin session
    const session = await t.http.session(TEST_ADMIN.username, TEST_ADMIN.password);
    // when a change is sent with the cookie but without the header
    const forged = await t.http.anonymous.request('POST', '/api/departments', { id: 'night', name: 'Night' }, { cookie: session.cookie });
    const wrong = await t.http.anonymous.request('POST', '/api/departments', { id: 'night', name: 'Night' }, { cookie: session.cookie, 'x-csrf-token': 'guess' });
    // then it is refused and nothing changed; reads and changes with the header work
    expect(forged.status).to.equal(403);
    expect(wrong.status).to.equal(403);
    expect(await t.baton.store.departments.get('night')).to.equal(null);
    expect((await session.request('GET', '/api/auth/me')).body).to.have.nested.property('user.username', 'admin');
    expect((await session.request('POST', '/api/departments', { id: 'night', name: 'Night' })).status).to.equal(201);
  });

  it('signs out: the session cookie stops working', async () => {
    const session = await t.http.session('ada');
    expect((await session.request('GET', '/api/auth/me')).status).to.equal(200);
    expect((await session.request('POST', '/api/auth/logout')).status).to.equal(204);
    expect((await session.request('GET', '/api/auth/me')).status).to.equal(401);
  });

  it('issues a bearer token that expires and can be revoked', async () => {
    // given a token
    const res = await t.http.anonymous.request('POST', '/api/auth/token', { username: 'ada', password: TEST_PASSWORD });
    expect(res.status).to.equal(201);
    const { token, expiresAt } = res.body as { token: string; expiresAt: string };
    expect(new Date(expiresAt).getTime()).to.be.above(t.baton.clock.now().getTime());
    const me = () => t.http.anonymous.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${token}` });
    expect((await me()).status).to.equal(200);
    // when the clock passes its expiry
    t.baton.clock.advance(2 * 3_600_000);
    // then it is refused
    expect((await me()).status).to.equal(401);
    // and a fresh one revoked with DELETE /api/auth/token is refused too
    const second = await t.http.as('ada');
    expect((await second.request('DELETE', '/api/auth/token')).status).to.equal(204);
    expect((await second.request('GET', '/api/auth/me')).status).to.equal(401);
  });

  it('refuses a wrong password, an unknown user and a disabled user alike', async () => {
    const wrong = await t.http.anonymous.request('POST', '/api/auth/token', { username: 'ada', password: 'not-the-password' });
    const unknown = await t.http.anonymous.request('POST', '/api/auth/token', { username: 'nobody', password: 'whatever-it-is' });
    const user = await t.baton.store.users.getByUsername('ada');
    await t.baton.users.update(user!.id, { disabled: true });
    const disabled = await t.http.anonymous.request('POST', '/api/auth/token', { username: 'ada', password: TEST_PASSWORD });
    for (const res of [wrong, unknown, disabled]) {
      expect(res.status).to.equal(401);
      expect((res.body as ErrorBody).error.code).to.equal('UNAUTHENTICATED');
    }
  });

  it('disabling a user ends their sessions and tokens at once', async () => {
    const ada = await t.http.as('ada');
    const user = await t.baton.store.users.getByUsername('ada');
    expect((await t.http.request('PATCH', `/api/users/${user!.id}`, { disabled: true })).status).to.equal(200);
    expect((await ada.request('GET', '/api/tasks')).status).to.equal(401);
  });

  it('limits failed sign-ins per username and address: 429 with Retry-After, other users unaffected', async () => {
    // given five failed attempts for ada
    for (let i = 0; i < 5; i++) {
      expect((await t.http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: 'wrong-password' })).status).to.equal(401);
    }
    // when she tries again, even with the right password
    const blocked = await t.http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD });
    // then she waits, told how long; the admin signs in as usual
    expect(blocked.status).to.equal(429);
    expect((blocked.body as ErrorBody).error.code).to.equal('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).to.be.within(1, 900);
    expect((await t.http.anonymous.request('POST', '/api/auth/login', TEST_ADMIN)).status).to.equal(200);
    // and after the block she may sign in
    t.baton.clock.advance(16 * 60_000);
    expect((await t.http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD })).status).to.equal(200);
  });

  it('rejects malformed sign-in bodies with 400', async () => {
    for (const body of [{}, { username: 'ada' }, { username: '', password: 'x' }, { username: 'ada', password: 'x'.repeat(100) }]) {
      expect((await t.http.anonymous.request('POST', '/api/auth/login', body)).status).to.equal(400);
    }
  });
});
