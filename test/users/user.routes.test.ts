import { expect } from 'chai';

import { addUser, removeDir, startTestBaton, TEST_PASSWORD, type TestBaton } from '../support/harness.js';
import { listen, type Http } from '../support/http.js';

interface UserBody {
  id: string;
  username: string;
  role: string;
  departments: string[];
  skills: string[];
  disabled: boolean;
}

describe('Users API', () => {
  let baton: TestBaton;
  let http: Http;

  beforeEach(async () => {
    baton = await startTestBaton();
    http = await listen(baton);
  });

  afterEach(async () => {
    await http.close();
    await baton.close();
    removeDir(baton.dir);
  });

  it('lets an admin create, list, change and disable users; the password never comes back', async () => {
    // when an admin creates a staff member of L1 with skills
    const created = await http.request('POST', '/api/users', { username: 'Ada', password: TEST_PASSWORD, role: 'staff', departments: ['l1'], skills: ['networking'] });
    expect(created.status).to.equal(201);
    const ada = created.body as UserBody;
    expect(ada).to.include({ username: 'ada', role: 'staff', disabled: false });
    expect(created.text).not.to.match(/password/i);
    // and moves her to L2 and disables her
    const changed = await http.request('PATCH', `/api/users/${ada.id}`, { departments: ['l2'], disabled: true });
    // then the list shows the change
    expect(changed.status).to.equal(200);
    const list = (await http.request('GET', '/api/users')).body as UserBody[];
    expect(list.find((user) => user.username === 'ada')).to.deep.include({ departments: ['l2'], disabled: true, skills: ['networking'] });
    expect((await http.request('GET', `/api/users/${ada.id}`)).body).to.include({ username: 'ada' });
  });

  it('refuses users management to everyone but admins, changing nothing', async () => {
    for (const role of ['staff', 'auditor', 'process-owner'] as const) {
      await addUser(baton, `${role}-1`, role, role === 'staff' ? ['l1'] : []);
      const client = await http.as(`${role}-1`);
      const before = await baton.store.users.count();
      expect((await client.request('GET', '/api/users')).status, role).to.equal(403);
      expect((await client.request('POST', '/api/users', { username: 'mallory', password: TEST_PASSWORD, role: 'admin' })).status, role).to.equal(403);
      const self = await baton.store.users.getByUsername(`${role}-1`);
      expect((await client.request('PATCH', `/api/users/${self!.id}`, { role: 'admin' })).status, role).to.equal(403);
      expect(await baton.store.users.count()).to.equal(before);
      expect((await baton.store.users.getByUsername(`${role}-1`))!.role).to.equal(role);
    }
  });

  it('answers bad input clearly: duplicate, unknown department, short password, unknown role or field, unknown user', async () => {
    await addUser(baton, 'ada', 'staff', ['l1']);
    const before = await baton.store.users.count();
    const cases: [unknown, number][] = [
      [{ username: 'ada', password: TEST_PASSWORD, role: 'staff' }, 409],
      [{ username: 'bob', password: TEST_PASSWORD, role: 'staff', departments: ['nowhere'] }, 400],
      [{ username: 'bob', password: 'short', role: 'staff' }, 400],
      [{ username: 'bob', password: TEST_PASSWORD, role: 'king' }, 400],
      [{ username: 'bad name!', password: TEST_PASSWORD, role: 'staff' }, 400],
    ];
    for (const [body, status] of cases) expect((await http.request('POST', '/api/users', body)).status, JSON.stringify(body)).to.equal(status);
    expect((await http.request('PATCH', '/api/users/nobody', { disabled: true })).status).to.equal(404);
    const ada = await baton.store.users.getByUsername('ada');
    expect((await http.request('PATCH', `/api/users/${ada!.id}`, { passwordHash: 'x' })).status).to.equal(400);
    expect(await baton.store.users.count()).to.equal(before);
  });
});
