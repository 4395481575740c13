import path from 'node:path';

import { expect } from 'chai';
import type { Page } from 'playwright-core';

import type { InstanceView } from '../../server/instances/instance.service.js';
import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { refundEndpoint, type RefundEndpoint } from '../support/refund-endpoint.js';

/**
 * The operations page in Chromium, its main path: a payment incident stuck without its webhook
 * URL is found under its cause, repaired by a variable edit (diff preview, reason) and retried;
 * a help-desk process shows its tokens on the diagram; a token is moved after a dry run.
 */
describe('operations page (Chromium)', function () {
  let b: BrowserBaton;
  let page: Page;
  let refunds: RefundEndpoint;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
    page = b.page;
    refunds = await refundEndpoint();
  });

  after(async () => {
    await refunds?.close();
    await b?.close();
  });

  async function startPayment(): Promise<string> {
    const { instance } = await b.baton.instances.start({ processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', bookingReference: 'BK-7' }, businessKey: null }, 'api');
    const [task] = await b.baton.tasks.list({ instanceId: instance.id, status: 'open' });
    await b.baton.tasks.complete(task!.id, { outcome: 'refund' }, 'staff');
    return instance.id;
  }

  async function open(): Promise<void> {
    await page.goto(`${b.baseUrl}/operations`);
    await page.waitForSelector('body[data-ready="true"]');
  }

  it('repairs a stuck payment: edit the variable with a diff preview, then retry its cause', async () => {
    const id = await startPayment();
    await open();
    // the incident is listed under its cause
    const group = page.locator('#incident-groups li[data-cause]');
    await group.first().waitFor();
    expect(await group.count()).to.equal(1);
    // a retry without a reason is refused in words
    await page.click('[data-retry-cause]');
    expect(await page.textContent('#message')).to.match(/reason/i);
    // the instance opens from the list
    await page.click(`a[data-instance="${id}"]`);
    await page.waitForSelector('#detail:not([hidden])');
    const variables = JSON.parse(await page.inputValue('#variables')) as Record<string, unknown>;
    await page.fill('#variables', JSON.stringify({ ...variables, refundWebhookUrl: refunds.url }, null, 2));
    await page.click('#preview-variables');
    expect(await page.textContent('#variables-diff')).to.include('refundWebhookUrl');
    await page.fill('#reason', 'the shop forgot the webhook URL');
    await page.click('#save-variables');
    await page.waitForFunction(() => /version/.test(document.querySelector('#message')?.textContent ?? ''));
    expect(((await b.http.request('GET', `/api/instances/${id}`)).body as InstanceView).variables).to.deep.include({ refundWebhookUrl: refunds.url });
    // then Retry all of the cause resolves it
    await page.click('[data-retry-cause]');
    await page.waitForSelector('#incident-groups li.empty');
    expect(refunds.calls).to.equal(1);
    const view = (await b.http.request('GET', `/api/instances/${id}`)).body as InstanceView;
    expect(view.incidents.map((incident) => incident.status)).to.deep.equal(['resolved']);
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('shows the tokens of a version on its diagram and moves one after a dry run', async () => {
    for (let i = 0; i < 2; i++) await b.baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    await open();
    await page.selectOption('#search select[name="process"]', 'helpdesk-escalation');
    await page.fill('#search input[name="version"]', '1');
    await page.click('#search button[type="submit"]');
    await page.waitForSelector('.replay-token[data-element="Task_first_line"]');
    expect(await page.getAttribute('.replay-token[data-element="Task_first_line"]', 'data-token-count')).to.equal('2');
    // one of them moves from first line to L1
    const first = page.locator('#instances a[data-instance]').first();
    const id = (await first.getAttribute('data-instance'))!;
    await first.click();
    await page.waitForSelector('#detail:not([hidden])');
    await page.selectOption('#move-from', 'Task_first_line');
    await page.selectOption('#move-to', 'Task_L1');
    await page.fill('#reason', 'clearly an L1 case');
    await page.click('#move-dry');
    await page.waitForSelector('#preview [data-opens="Task_L1"]');
    // BATON_SCREENSHOT=docs/operations.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'operations.png') await page.screenshot({ path: shot, fullPage: true });
    expect((await b.baton.tasks.list({ instanceId: id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['Task_first_line']);
    await page.click('#move-apply');
    await page.waitForFunction(() => document.querySelector('#message')?.textContent !== '' && !document.querySelector('#message')?.classList.contains('busy'));
    expect((await b.baton.tasks.list({ instanceId: id, status: 'open' })).map((task) => task.elementId)).to.deep.equal(['Task_L1']);
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('fits a 400 px phone', async () => {
    const phone = await b.newPage();
    await phone.setViewportSize({ width: 400, height: 800 });
    await phone.goto(`${b.baseUrl}/operations`);
    await phone.waitForSelector('body[data-ready="true"]');
    const wide = await phone.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((node) => node.getBoundingClientRect().right > 401)
        .map((node) => `${node.tagName}#${node.id}.${node.className} ${Math.round(node.getBoundingClientRect().right)}`)
        .slice(0, 8),
    );
    expect(await phone.evaluate(() => document.documentElement.scrollWidth), wide.join('; ')).to.be.at.most(400);
    await phone.close();
  });
});

/** Page functions run in the browser: its `document`, which Node's typings do not describe. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the browser's DOM, typed by the page, not by this Node test
declare const document: any;
