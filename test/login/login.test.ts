import { expect } from 'chai';

import { TEST_ADMIN } from '../support/harness.js';
import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

describe('sign-in page (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ deployShipped: false, signInAs: null });
  });

  after(async () => {
    await b?.close();
  });

  it('sends a signed-out visitor to the sign-in page, refuses a wrong password, then returns to the page', async () => {
    // given a browser without a session
    // when it opens the modeler
    await b.page.goto(`${b.baseUrl}/modeler?key=none`);
    // then it is on the sign-in page, with the way back
    await b.page.waitForURL(/\/login\?next=/);
    expect(new URL(b.page.url()).searchParams.get('next')).to.equal('/modeler?key=none');
    // when a wrong password is given
    await b.page.fill('#username', TEST_ADMIN.username);
    await b.page.fill('#password', 'not-the-password');
    await b.page.click('#sign-in');
    // then the page says so and stays
    await b.page.waitForSelector('#login-error:not([hidden])');
    expect(await b.page.textContent('#login-error')).to.match(/password/i);
    // when the right one is given
    await b.page.fill('#password', TEST_ADMIN.password);
    await b.page.keyboard.press('Enter');
    // then the modeler opens, showing who is signed in
    await b.page.waitForURL(/\/modeler\?key=none/);
    await b.page.waitForSelector(`[data-user="${TEST_ADMIN.username}"]`);
  });

  it('signs out: the session no longer opens the API', async () => {
    // given the signed-in modeler from the test before
    // when the user signs out
    await b.page.click('#sign-out');
    await b.page.waitForURL(/\/login/);
    // then the API refuses the browser's cookie
    const me = await b.context.request.get(`${b.baseUrl}/api/auth/me`);
    expect(me.status()).to.equal(401);
  });

  it('never follows a return address to another site', async () => {
    // given a sign-in link whose next points elsewhere
    await b.page.goto(`${b.baseUrl}/login?next=//evil.example/steal`);
    await b.page.fill('#username', TEST_ADMIN.username);
    await b.page.fill('#password', TEST_ADMIN.password);
    await b.page.click('#sign-in');
    // then sign-in lands on Baton's own start page
    await b.page.waitForURL(`${b.baseUrl}/`);
  });
});
