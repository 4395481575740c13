import { expect } from 'chai';

import { addUser } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

describe('Departments API', () => {
  const t = useTestServer();

  it('creates a department under a parent and moves it; everyone signed in reads the pyramid', async () => {
    // when an admin adds "night" under L2 and moves it under L3
    expect((await t.http.request('POST', '/api/departments', { id: 'night', name: 'Night shift', parentId: 'l2' })).status).to.equal(201);
    const moved = await t.http.request('PATCH', '/api/departments/night', { parentId: 'l3' });
    // then it reads back under L3, also for staff
    expect(moved.body).to.deep.equal({ id: 'night', name: 'Night shift', parentId: 'l3', calendarId: null });
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    const list = (await ada.request('GET', '/api/departments')).body as { id: string }[];
    expect(list.map((d) => d.id)).to.include('night');
  });

  it('refuses a duplicate, an unknown parent, a loop and non-admins, changing nothing', async () => {
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const ada = await t.http.as('ada');
    const before = await t.baton.store.departments.list();
    expect((await t.http.request('POST', '/api/departments', { id: 'l1', name: 'again' })).status).to.equal(409);
    expect((await t.http.request('POST', '/api/departments', { id: 'x', name: 'X', parentId: 'nowhere' })).status).to.equal(404);
    expect((await t.http.request('POST', '/api/departments', { id: 'Bad Id', name: 'X' })).status).to.equal(400);
    // head-of-service → l3 → l2: putting head-of-service under l2 closes a loop
    expect((await t.http.request('PATCH', '/api/departments/head-of-service', { parentId: 'l2' })).status).to.equal(400);
    expect((await ada.request('POST', '/api/departments', { id: 'y', name: 'Y' })).status).to.equal(403);
    expect((await ada.request('PATCH', '/api/departments/l1', { name: 'Mine now' })).status).to.equal(403);
    expect(await t.baton.store.departments.list()).to.deep.equal(before);
  });
});
