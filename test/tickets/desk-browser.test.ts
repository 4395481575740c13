import path from 'node:path';

import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';

import { addUser, TEST_PASSWORD, userTaskProcess } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/**
 * A phone ticket worked in the browser from the first call to the customer's answer: first line
 * opens it, L1 reads first line's note and passes it up, first line finds it again by number, L2
 * writes to the customer, the customer answers on the status page and L2 sees it live.
 */
describe('the service desk in the browser (Chromium)', function () {
  let b: BrowserBaton;
  const contexts: BrowserContext[] = [];

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'fiona', 'staff', ['first-line']);
    await addUser(b.baton, 'lina', 'staff', ['l1']);
    await addUser(b.baton, 'leo', 'staff', ['l2']);
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await b?.close();
  });

  /** A page in its own browser context (own cookies), signed in as `username` unless null. */
  async function pageAs(username: string | null, options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const context = await b.context.browser()!.newContext({ viewport: options.viewport ?? { width: 1400, height: 860 }, locale: options.locale ?? 'en-US' });
    contexts.push(context);
    if (username) await signInContext(context, b.baseUrl, { username, password: TEST_PASSWORD });
    const page = await context.newPage();
    page.on('pageerror', (err) => b.pageErrors.push(err.message));
    return page;
  }

  it('opens a caller’s ticket, passes it up, finds it by number, writes to the customer and hears the answer live', async () => {
    // given first line on the phone opens a new ticket from the inbox, keyboard first
    const fiona = await pageAs('fiona');
    await fiona.goto(`${b.baseUrl}/inbox`);
    await fiona.waitForSelector('#connection[data-state="live"]');
    await fiona.keyboard.press('n');
    await fiona.getByLabel("Customer's name").fill('Eva Stone');
    await fiona.getByLabel("Customer's email").fill('eva@example.com');
    await fiona.getByLabel('Problem').fill('Invoices do not print since Monday');
    await fiona.keyboard.press('Control+Enter');
    // then the ticket number is on screen at once and her first-line task opens
    const ticketNumber = (await fiona.locator('#new-ticket-number').textContent())!;
    expect(ticketNumber).to.match(/^HD-\d{6}$/);
    await fiona.waitForSelector('#detail .fjs-form');
    // when she records what she tried and passes it to L1
    await fiona.getByRole('radio', { name: 'No, pass it to L1' }).check();
    await fiona.getByLabel('What did you find, and what did you do?').fill('Reinstalled the printer driver; still fails');
    await fiona.click('#complete');
    await fiona.waitForSelector('#detail', { state: 'hidden' });

    // then L1 sees first line's note with the task, and passes it up with a reason
    const lina = await pageAs('lina');
    await lina.goto(`${b.baseUrl}/inbox`);
    await lina.locator(`#queue [data-ticket="${ticketNumber}"] .open-task`).click();
    await lina.waitForSelector('#ticket-context');
    expect(await lina.textContent('#ticket-context'))
      .to.include('Reinstalled the printer driver; still fails')
      .and.include('Eva Stone');
    await lina.fill('#pass-up-reason', 'Needs the print server team');
    await lina.click('#pass-up button[type="submit"]');
    await lina.waitForSelector(`#status >> text=Passed ${ticketNumber} up`);

    // when first line looks the ticket up by number from the search box ( / focuses it)
    await fiona.keyboard.press('/');
    await fiona.keyboard.type(ticketNumber);
    await fiona.keyboard.press('Enter');
    await fiona.waitForURL(`**/tickets/${ticketNumber}`);
    await fiona.waitForSelector('#story li[data-type="passed-up"]');
    expect(await fiona.textContent('#open-tasks')).to.include('Resolve (L2)');
    expect(await fiona.textContent('#customer')).to.include('eva@example.com');

    // when L2 claims it, opens the ticket page and writes to the customer
    const leo = await pageAs('leo');
    const [l2] = (await (await b.http.as('leo')).request('GET', '/api/tasks')).body as { id: string }[];
    await (await b.http.as('leo')).request('POST', `/api/tasks/${l2!.id}/claim`, {});
    await leo.goto(`${b.baseUrl}/tickets/${ticketNumber}`);
    await leo.waitForSelector('#connection[data-state="live"]');
    await leo.fill('#write-text', 'Which printer model do you use? <b>not bold</b>');
    await leo.click('#write button[type="submit"]');
    await leo.waitForSelector('#conversation li.staff');
    expect(await leo.textContent('#conversation li.staff')).to.include('<b>not bold</b>');

    // then the customer sees it on the status page and answers there
    const instanceId = ((await b.http.request('GET', `/api/instances?ticket=${ticketNumber}`)).body as { id: string }[])[0]!.id;
    const mails = await b.baton.store.outbox.forInstance(instanceId);
    const statusPath = /\/status\/[A-Za-z0-9_-]{43}/.exec(String(mails[0]!.payload['body']))![0];
    const customer = await pageAs(null);
    await customer.goto(`${b.baseUrl}${statusPath}`);
    expect(await customer.textContent('#conversation')).to.include('Which printer model do you use? <b>not bold</b>');
    await customer.fill('#message-text', 'An HP LaserJet 4000');
    await customer.click('#conversation button[type="submit"]');
    await customer.waitForSelector('#conversation li.customer');

    // and the owner sees the answer live, without reloading
    await leo.waitForSelector('#conversation li.customer >> text=An HP LaserJet 4000');
    await leo.waitForSelector('#conversation-notice:not([hidden])');
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('shows the status page in Russian to a Russian browser', async () => {
    const started = await b.http.request('POST', '/api/instances', {
      processKey: 'helpdesk-escalation',
      variables: { customerName: 'Иван', customerEmail: 'ivan@example.com', customerLanguage: 'ru', problem: 'Принтер' },
    });
    const { statusUrl } = started.body as { statusUrl: string };
    const page = await pageAs(null, { locale: 'ru-RU' });
    await page.goto(`${b.baseUrl}${new URL(statusUrl).pathname}`);
    expect(await page.getAttribute('html', 'lang')).to.equal('ru');
    expect(await page.textContent('h1')).to.include('Заявка');
    expect(await page.textContent('#conversation h2')).to.equal('Сообщения');
    expect(await page.textContent('#history h2')).to.equal('История');
    // and the lookup page too
    await page.goto(`${b.baseUrl}/status`);
    expect(await page.textContent('h1')).to.equal('Найти свою заявку');
    // and staff with a Russian browser get the inbox and the ticket page in Russian
    const fiona = await pageAs('fiona', { locale: 'ru-RU' });
    await fiona.goto(`${b.baseUrl}/inbox`);
    await fiona.waitForSelector('#connection[data-state="live"]');
    expect(await fiona.textContent('#mine-title')).to.include('Мои задачи');
    expect(await fiona.textContent('#new-ticket')).to.equal('Новая заявка');
    const { ticketNumber } = started.body as { ticketNumber: string };
    await fiona.goto(`${b.baseUrl}/tickets/${ticketNumber}`);
    await fiona.waitForSelector('#ticket:not([hidden])');
    expect(await fiona.textContent('#customer-title')).to.equal('Клиент');
    expect(await fiona.textContent('#story')).to.include('открыл(а) заявку');
  });

  it('shows each role what is theirs on /: staff claim from their queue, auditors read without Claim', async () => {
    await addUser(b.baton, 'audrey', 'auditor');
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'kim@example.com' } });
    const { ticketNumber } = started.body as { ticketNumber: string };
    const fiona = await pageAs('fiona');
    await fiona.goto(`${b.baseUrl}/`);
    await fiona.waitForSelector('body[data-ready="true"]');
    await fiona
      .locator(`#queue tr[data-ticket="${ticketNumber}"]`)
      .getByRole('button', { name: `Claim ${ticketNumber}` })
      .click();
    await fiona.waitForSelector(`#yours tr[data-ticket="${ticketNumber}"]`);
    // BATON_SCREENSHOT=docs/home.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'home.png') await fiona.screenshot({ path: shot, fullPage: true });
    expect(await fiona.isHidden('#pages a[href="/modeler"]')).to.equal(true);
    const audrey = await pageAs('audrey');
    await audrey.goto(`${b.baseUrl}/`);
    await audrey.waitForSelector('body[data-ready="true"]');
    await audrey.waitForSelector(`#queue tr[data-ticket="${ticketNumber}"]`);
    expect(await audrey.locator('button.claim').count()).to.equal(0);
    expect(await audrey.isVisible('#pages a[href="/audit"]')).to.equal(true);
    // and in the inbox, no Claim either, and no New ticket
    await audrey.goto(`${b.baseUrl}/inbox`);
    await audrey.locator('#queue [data-ticket]').first().waitFor();
    expect(await audrey.locator('#queue button.claim').count()).to.equal(0);
    expect(await audrey.isHidden('#new-ticket')).to.equal(true);
  });

  it('loads more than 500 tasks into the inbox, page by page', async () => {
    // given 520 open tasks in L1's queue (the API answers at most 500 at a time)
    await b.baton.definitions.deploy(userTaskProcess('bulk-queue'));
    for (let index = 0; index < 520; index++) await b.baton.instances.start({ processKey: 'bulk-queue', variables: {}, businessKey: null }, 'api');
    const lina = await pageAs('lina');
    await lina.goto(`${b.baseUrl}/inbox`);
    // then every one of them is listed
    await lina.waitForFunction('document.querySelectorAll(\'#queue [data-ticket^="BQ-"]\').length === 520', undefined, { timeout: 20_000 });
  });

  it('works the inbox on a 400 px phone: no sideways scrolling, claim and open a task', async () => {
    const started = await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'max@example.com' } });
    const { ticketNumber } = started.body as { ticketNumber: string };
    const phone = await pageAs('fiona', { viewport: { width: 400, height: 800 } });
    await phone.goto(`${b.baseUrl}/inbox`);
    const row = phone.locator(`#queue [data-ticket="${ticketNumber}"]`);
    await row.waitFor();
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).to.be.at.most(400);
    await row.getByRole('button', { name: `Claim ${ticketNumber}` }).click();
    await phone.locator(`#mine [data-ticket="${ticketNumber}"] .open-task`).click();
    await phone.waitForSelector('#detail .fjs-form');
    const box = await phone.locator('#detail').boundingBox();
    expect(box!.width).to.be.at.most(400);
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).to.be.at.most(400);
  });
});
