import { expect } from 'chai';

import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

describe('Department heads API', () => {
  const t = useTestServer();

  it('lets an admin name and remove a department head; everyone signed in reads them', async () => {
    await addUser(t.baton, 'hana', 'process-owner', ['l2']);
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    const set = await t.http.request('PUT', '/api/departments/l2/head', { username: 'Hana' });
    expect(set.status, set.text).to.equal(200);
    expect((await ada.request('GET', '/api/departments/heads')).body).to.deep.equal({ l2: 'hana' });
    expect((await t.http.request('PUT', '/api/departments/l2/head', { username: null })).status).to.equal(200);
    expect((await t.http.request('GET', '/api/departments/heads')).body).to.deep.equal({});
  });

  it('refuses an unknown or disabled user, an unknown department and non-admins, changing nothing', async () => {
    const gone = await addUser(t.baton, 'gone', 'staff', ['l1']);
    await t.http.request('PATCH', `/api/users/${gone.id}`, { disabled: true });
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    expect((await t.http.request('PUT', '/api/departments/l1/head', { username: 'nobody' })).status).to.equal(400);
    expect((await t.http.request('PUT', '/api/departments/l1/head', { username: 'gone' })).status).to.equal(400);
    expect((await t.http.request('PUT', '/api/departments/nope/head', { username: 'ada' })).status).to.equal(404);
    expect((await t.http.request('PUT', '/api/departments/l1/head', {})).status).to.equal(400);
    expect((await ada.request('PUT', '/api/departments/l1/head', { username: 'ada' })).status).to.equal(403);
    expect(await t.baton.store.departmentHeads.all()).to.deep.equal({});
  });
});
