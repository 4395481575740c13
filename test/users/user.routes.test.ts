import { expect } from 'chai';

import { addUser, TEST_PASSWORD } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

interface UserBody {
  id: string;
  username: string;
  role: string;
  departments: string[];
  skills: string[];
  disabled: boolean;
}

describe('Users API', () => {
  const t = useTestServer();

  it('lets an admin create, list, change and disable users; the password never comes back', async () => {
    // when an admin creates a staff member of L1 with skills
    const created = await t.http.request('POST', '/api/users', { username: 'Ada', password: TEST_PASSWORD, role: 'staff', departments: ['l1'], skills: ['networking'] });
    expect(created.status).to.equal(201);
    const ada = created.body as UserBody;
    expect(ada).to.include({ username: 'ada', role: 'staff', disabled: false });
    expect(created.text).not.to.match(/password/i);
    // and moves her to L2 and disables her
    const changed = await t.http.request('PATCH', `/api/users/${ada.id}`, { departments: ['l2'], disabled: true });
    // then the list shows the change
    expect(changed.status).to.equal(200);
    const list = (await t.http.request('GET', '/api/users')).body as UserBody[];
    expect(list.find((user) => user.username === 'ada')).to.deep.include({ departments: ['l2'], disabled: true, skills: ['networking'] });
    expect((await t.http.request('GET', `/api/users/${ada.id}`)).body).to.include({ username: 'ada' });
  });

  it('refuses users management to everyone but admins, changing nothing', async () => {
    for (const role of ['staff', 'auditor', 'process-owner'] as const) {
      await addUser(t.baton, `${role}-1`, role, role === 'staff' ? ['l1'] : []);
      const client = await t.http.as(`${role}-1`);
      const before = await t.baton.store.users.count();
      expect((await client.request('GET', '/api/users')).status, role).to.equal(403);
      expect((await client.request('POST', '/api/users', { username: 'mallory', password: TEST_PASSWORD, role: 'admin' })).status, role).to.equal(403);
      const self = await t.baton.store.users.getByUsername(`${role}-1`);
      expect((await client.request('PATCH', `/api/users/${self!.id}`, { role: 'admin' })).status, role).to.equal(403);
      expect(await t.baton.store.users.count()).to.equal(before);
      expect((await t.baton.store.users.getByUsername(`${role}-1`))!.role).to.equal(role);
    }
  });

  it('answers bad input clearly: duplicate, unknown department, short password, unknown role or field, unknown user', async () => {
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const before = await t.baton.store.users.count();
    const cases: [unknown, number][] = [
      [{ username: 'ada', password: TEST_PASSWORD, role: 'staff' }, 409],
      [{ username: 'bob', password: TEST_PASSWORD, role: 'staff', departments: ['nowhere'] }, 400],
      [{ username: 'bob', password: 'short', role: 'staff' }, 400],
      [{ username: 'bob', password: TEST_PASSWORD, role: 'king' }, 400],
      [{ username: 'bad name!', password: TEST_PASSWORD, role: 'staff' }, 400],
    ];
    for (const [body, status] of cases) expect((await t.http.request('POST', '/api/users', body)).status, JSON.stringify(body)).to.equal(status);
    expect((await t.http.request('PATCH', '/api/users/nobody', { disabled: true })).status).to.equal(404);
    const ada = await t.baton.store.users.getByUsername('ada');
    expect((await t.http.request('PATCH', `/api/users/${ada!.id}`, { passwordHash: 'x' })).status).to.equal(400);
    expect(await t.baton.store.users.count()).to.equal(before);
  });
});
