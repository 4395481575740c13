import { expect } from 'chai';

import { addUser, TEST_PASSWORD } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/** Page callbacks run in the page, where this exists (the test program has no DOM lib). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

describe('notifications bell (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'fiona', 'staff', ['first-line']);
    await signInContext(b.context, b.baseUrl, { username: 'fiona', password: TEST_PASSWORD });
  });

  after(async () => {
    await b?.close();
  });

  it('the badge counts a new ticket in the queue live, the list words it, and "mark all read" clears it', async () => {
    // given first-line staff with a page open and nothing new
    const page = b.page;
    await page.goto(`${b.baseUrl}/audit`);
    await page.waitForSelector('.baton-notifications[data-unread="0"]');
    expect(await page.isHidden('.baton-notifications .count')).to.equal(true);
    // when a ticket opens in the first-line queue (someone else, over the API)
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } });
    expect(started.status).to.equal(201);
    const { ticketNumber } = started.body as { ticketNumber: string };
    // then the badge shows 1 without a reload
    await page.waitForSelector('.baton-notifications[data-unread="1"]', { timeout: 5000 });
    expect(await page.textContent('.baton-notifications .count')).to.equal('1');
    // when she opens the list
    await page.click('.baton-notifications .bell');
    const entry = page.locator('.baton-notifications li[data-kind="queue"]');
    await entry.waitFor();
    // then it says what happened, linking to the ticket
    expect(await entry.textContent()).to.contain(`${ticketNumber}: "Record and try to resolve" is new in the first-line queue`);
    expect(await entry.locator('a').getAttribute('href')).to.equal(`/tickets/${ticketNumber}`);
    // when she marks all read
    await page.click('.baton-notifications .panel-head button:first-of-type');
    // then the badge is gone
    await page.waitForSelector('.baton-notifications[data-unread="0"]');
    expect(await page.isHidden('.baton-notifications .count')).to.equal(true);
    // and on a 400 px phone the open list stays on the screen
    await page.setViewportSize({ width: 400, height: 800 });
    const box = await page.locator('.baton-notifications .panel').boundingBox();
    expect(box!.x).to.be.at.least(0);
    expect(box!.x + box!.width).to.be.at.most(400);
    // and her settings can turn the queue off in the browser (saved on her account)
    await page.click('.baton-notifications .panel-head button:last-of-type');
    await page.locator('input[name="queue.browser"]').uncheck();
    await page.click('.baton-notifications form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('.baton-notifications form p')?.textContent === 'Saved.');
    const account = await b.context.request.get(`${b.baseUrl}/api/account`);
    expect(((await account.json()) as { notifications: { queue: { browser: boolean } } }).notifications.queue.browser).to.equal(false);
    expect(b.pageErrors.filter((error) => !error.includes('403'))).to.deep.equal([]);
  });
});
