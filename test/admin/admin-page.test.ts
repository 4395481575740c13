import path from 'node:path';

import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { TEST_PASSWORD } from '../support/harness.js';
import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/**
 * The administration page in Chromium, its main path: create a user, disable them (their claimed
 * task goes back to the queue), issue and revoke an API token; move a department in the tree;
 * see a queued email in the outbox.
 */
describe('admin page (Chromium)', function () {
  let b: BrowserBaton;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
    page = b.page;
  });

  after(async () => {
    await b?.close();
  });

  async function open(tab = 'users'): Promise<void> {
    await page.goto(`${b.baseUrl}/admin`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click(`[data-tab="${tab}"]`);
  }

  it('creates a user, disables them (their task returns to the queue), issues and revokes a token', async () => {
    await open();
    await page.fill('#new-user input[name="username"]', 'nina');
    await page.fill('#new-user input[name="password"]', TEST_PASSWORD);
    await page.selectOption('#new-user select[name="role"]', 'staff');
    await page.fill('#new-user input[name="departments"]', 'first-line');
    await page.click('#new-user button[type="submit"]');
    await page.waitForSelector('#user-table tr[data-username="nina"]');
    // nina claims a help-desk task
    const { opened } = await b.baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    const nina = await b.http.as('nina');
    expect((await nina.request('POST', `/api/tasks/${opened[0]!.id}/claim`, {})).status).to.equal(200);
    // when the admin disables her
    await page.click('[data-toggle="nina"]');
    await page.waitForFunction(() => /nina/.test(document.querySelector('#message')?.textContent ?? '') && !document.querySelector('#message')?.classList.contains('busy'));
    // then the task is back in first-line's queue and her token is dead
    expect(await b.baton.store.tasks.get(opened[0]!.id)).to.deep.include({ assignee: null, department: 'first-line' });
    expect((await nina.request('GET', '/api/tasks')).status).to.equal(401);
    expect(await page.textContent('#user-table tr[data-username="nina"]')).to.match(/disabled/);
    // an API token for the admin: created (shown once), listed, revoked
    await page.click('[data-tokens="admin"]');
    await page.click('[data-create-token="admin"]');
    const secret = (await page.waitForSelector('code.secret')).textContent();
    expect(await secret).to.have.length.greaterThan(20);
    expect(await page.locator('#tokens li[data-token]').count()).to.equal(1);
    await page.click('#tokens li[data-token] button');
    await page.waitForFunction(() => document.querySelectorAll('#tokens li[data-token]').length === 0);
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('shows the departments as a tree and moves one under another parent', async () => {
    await open('departments');
    await page.waitForSelector('#department-tree li[data-department="l2"]');
    // the seeded pyramid: L2 reports to L3, which reports to the head of service
    expect(await page.locator('#department-tree li[data-department="head-of-service"] li[data-department="l3"] > ul > li[data-department="l2"]').count()).to.equal(1);
    await page.selectOption('select[data-parent-of="payments"]', 'billing');
    await page.waitForSelector('#department-tree li[data-department="billing"] > ul > li[data-department="payments"]');
    const payments = (await b.http.request('GET', '/api/departments/payments')).body as { parentId: string };
    expect(payments.parentId).to.equal('billing');
    // and the admin heads billing
    await page.selectOption('select[data-head-of="billing"]', 'admin');
    await page.waitForFunction(() => /admin/.test(document.querySelector('#message')?.textContent ?? ''));
    expect((await b.http.request('GET', '/api/departments/heads')).body).to.deep.equal({ billing: 'admin' });
    // BATON_SCREENSHOT=docs/admin.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'admin.png') await page.screenshot({ path: shot, fullPage: true });
  });

  it('lists queued emails in the outbox', async () => {
    // a payment whose booking exists: the confirmation email is queued (no SMTP in this Baton)
    const { instance } = await b.baton.instances.start(
      { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', bookingReference: 'BK-1', refundWebhookUrl: 'http://127.0.0.1:9/' }, businessKey: null },
      'api',
    );
    const [task] = await b.baton.tasks.list({ instanceId: instance.id, status: 'open' });
    await b.baton.tasks.complete(task!.id, { outcome: 'bound' }, 'staff');
    await open('outbox');
    await page.selectOption('#outbox-state', 'pending');
    await page.waitForSelector('#outbox-table tr[data-outbox]');
    expect(await page.textContent('#outbox-table tbody')).to.include('li@example.com');
  });

  it('fits a 400 px phone', async () => {
    const phone = await b.newPage();
    await phone.setViewportSize({ width: 400, height: 800 });
    await phone.goto(`${b.baseUrl}/admin`);
    await phone.waitForSelector('#user-table tr[data-username]');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(400);
    await phone.close();
  });
});

/** Page functions run in the browser: its `document`, which Node's typings do not describe. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the browser's DOM, typed by the page, not by this Node test
declare const document: any;
