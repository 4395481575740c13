import { expect } from 'chai';

import { addUser, TEST_PASSWORD, userTaskProcess } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const NEW_PASSWORD = 'another-password-for-tests';

describe('People: disabling, passwords, API tokens', () => {
  const t = useTestServer({ deploy: [userTaskProcess('work')] });

  it('disabling a user returns their claimed tasks to the queue (audited) and signs them out', async () => {
    // given lena of L1 holding a claimed task, signed in
    const lena = await addUser(t.baton, 'lena', 'staff', ['l1']);
    const client = await t.http.as('lena');
    const { instance, opened } = await t.baton.instances.start({ processKey: 'work', variables: {}, businessKey: null }, 'api');
    expect((await client.request('POST', `/api/tasks/${opened[0]!.id}/claim`, {})).status).to.equal(200);
    // when an admin disables her
    const res = await t.http.request('PATCH', `/api/users/${lena.id}`, { disabled: true });
    expect(res.status).to.equal(200);
    // then the task waits unclaimed in L1's queue, the trail says who and why, and her token no longer works
    const task = await t.baton.store.tasks.get(opened[0]!.id);
    expect(task).to.deep.include({ assignee: null, department: 'l1', status: 'open' });
    expect(task?.history.at(-1)).to.deep.include({ action: 'released', by: 'admin', reason: 'lena was disabled' });
    const released = (await t.baton.store.audit.forInstance(instance.id)).find((event) => event.type === 'task.released');
    expect(released).to.deep.include({ actor: 'admin' });
    expect(released?.data).to.deep.include({ from: 'lena', owner: null, intervention: true });
    expect((await client.request('GET', '/api/tasks')).status).to.equal(401);
  });

  it('an admin resets a password: the old sign-ins end, the new password works', async () => {
    const ada = await addUser(t.baton, 'ada', 'staff', ['l1']);
    const before = await t.http.as('ada');
    expect((await t.http.request('POST', `/api/users/${ada.id}/password`, { password: 'short' })).status).to.equal(400);
    expect((await t.http.request('POST', `/api/users/${ada.id}/password`, { password: NEW_PASSWORD })).status).to.equal(204);
    expect((await before.request('GET', '/api/auth/me')).status).to.equal(401);
    const after = await t.http.as('ada', NEW_PASSWORD);
    expect((await after.request('GET', '/api/auth/me')).status).to.equal(200);
    // and only admins may
    const other = await addUser(t.baton, 'bo', 'process-owner', ['l1']);
    const bo = await t.http.as('bo');
    expect((await bo.request('POST', `/api/users/${other.id}/password`, { password: NEW_PASSWORD })).status).to.equal(403);
  });

  it('a user changes their own password with the current one; their other sign-ins end, this one stays', async () => {
    await addUser(t.baton, 'cy', 'staff', ['l1']);
    const here = await t.http.as('cy');
    const elsewhere = await t.http.as('cy');
    const wrong = await here.request('POST', '/api/auth/password', { currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
    expect(wrong.status).to.equal(401);
    expect((await here.request('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' })).status).to.equal(400);
    expect((await elsewhere.request('GET', '/api/auth/me')).status).to.equal(200);
    const ok = await here.request('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(ok.status).to.equal(204);
    expect((await here.request('GET', '/api/auth/me')).status).to.equal(200);
    expect((await elsewhere.request('GET', '/api/auth/me')).status).to.equal(401);
    expect((await t.http.as('cy', NEW_PASSWORD)).token).to.be.a('string');
  });

  it('API tokens per user: an admin creates one with an expiry, lists and revokes it', async () => {
    const bot = await addUser(t.baton, 'intake-bot', 'staff', ['l1']);
    const expiresAt = new Date(t.baton.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const created = await t.http.request('POST', `/api/users/${bot.id}/tokens`, { expiresAt });
    expect(created.status).to.equal(201);
    const { token, id } = created.body as { token: string; id: string; expiresAt: string };
    expect((created.body as { expiresAt: string }).expiresAt).to.equal(expiresAt);
    // the token works as the bot
    const me = await fetch(`${t.http.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { username: string } }).user.username).to.equal('intake-bot');
    // listed without its secret
    const list = await t.http.request('GET', `/api/users/${bot.id}/tokens`);
    expect((list.body as { id: string }[]).map((entry) => entry.id)).to.deep.equal([id]);
    expect(list.text).not.to.include(token);
    // revoked: it stops working, and revoking again is 404
    expect((await t.http.request('DELETE', `/api/users/${bot.id}/tokens/${id}`)).status).to.equal(204);
    expect((await fetch(`${t.http.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(401);
    expect((await t.http.request('DELETE', `/api/users/${bot.id}/tokens/${id}`)).status).to.equal(404);
    // an expiry in the past or not a date is 400
    expect((await t.http.request('POST', `/api/users/${bot.id}/tokens`, { expiresAt: '2001-01-01T00:00:00Z' })).status).to.equal(400);
    expect((await t.http.request('POST', `/api/users/${bot.id}/tokens`, { expiresAt: 'tomorrow' })).status).to.equal(400);
  });
});
