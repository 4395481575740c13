import { expect } from 'chai';

import { DEFAULT_NOTIFICATION_SETTINGS } from '../../server/notifications/notification.js';
import { addUser, TEST_PASSWORD } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

interface AccountBody {
  lang: string | null;
  email: string | null;
  notifications: typeof DEFAULT_NOTIFICATION_SETTINGS;
}

describe("Account API: a person's language and notification settings", () => {
  const t = useTestServer();

  it('starts from the defaults; saving a language sets the language cookie and follows the person to their next sign-in', async () => {
    // given a staff member signed in in a browser
    await addUser(t.baton, 'ada', 'staff', ['l1']);
    const browser = await t.http.session('ada');
    const fresh = await browser.request('GET', '/api/account');
    expect(fresh.body).to.deep.equal({ lang: null, email: null, notifications: DEFAULT_NOTIFICATION_SETTINGS });
    // when she chooses Russian and turns off queue notifications in the browser
    const saved = await browser.request('PATCH', '/api/account', { lang: 'ru', notifications: { queue: { browser: false } } });
    // then both are stored, and the page gets the language cookie
    expect(saved.status, saved.text).to.equal(200);
    expect((saved.body as AccountBody).lang).to.equal('ru');
    expect((saved.body as AccountBody).notifications.queue).to.deep.equal({ browser: false, email: false });
    expect((saved.body as AccountBody).notifications.assigned).to.deep.equal(DEFAULT_NOTIFICATION_SETTINGS.assigned);
    expect(saved.headers.get('set-cookie')).to.match(/^baton_lang=ru;/);
    // and when she signs in again elsewhere, that browser gets it too, and her pages open in Russian
    const login = await t.http.anonymous.request('POST', '/api/auth/login', { username: 'ada', password: TEST_PASSWORD });
    expect(login.headers.get('set-cookie')).to.contain('baton_lang=ru');
    const page = await t.http.anonymous.request('GET', '/login', undefined, { cookie: 'baton_lang=ru', 'accept-language': 'en' });
    expect(page.status, 'npm run build:web first').to.equal(200);
    expect(page.text).to.contain('<html lang="ru" data-request-lang="ru">');
    // the same settings answer at /api/users/me, for a bearer token too
    const program = await t.http.as('ada');
    expect(((await program.request('GET', '/api/users/me')).body as AccountBody).lang).to.equal('ru');
    const cleared = await program.request('PATCH', '/api/users/me', { lang: null });
    expect((cleared.body as AccountBody).lang).to.equal(null);
    expect(cleared.headers.get('set-cookie')).to.match(/^baton_lang=;/);
  });

  it('refuses bad settings with 400 naming the field, changing nothing; without credentials 401', async () => {
    await addUser(t.baton, 'bob', 'staff', ['l1']);
    const bob = await t.http.as('bob');
    await bob.request('PATCH', '/api/account', { lang: 'en' });
    for (const bad of [{ lang: 'xx' }, { email: 'not-an-address' }, { notifications: { lunch: { browser: true } } }, { notifications: { assigned: { browser: 'yes' } } }, { colour: 'red' }, []]) {
      const res = await bob.request('PATCH', '/api/account', bad);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
      expect((res.body as { error: { message: string } }).error.message, JSON.stringify(bad)).to.contain('account settings');
    }
    expect((await bob.request('GET', '/api/account')).body).to.deep.equal({ lang: 'en', email: null, notifications: DEFAULT_NOTIFICATION_SETTINGS });
    expect((await t.http.anonymous.request('GET', '/api/account')).status).to.equal(401);
    expect((await t.http.anonymous.request('PATCH', '/api/account', { lang: 'ru' })).status).to.equal(401);
  });
});
