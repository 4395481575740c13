import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { TEST_PASSWORD, addUser } from '../support/harness.js';
import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

interface Started {
  id: string;
  openTasks: { id: string }[];
}

/**
 * /reports in Chromium on the shipped help-desk process: one ticket resolved at first line, one
 * passed on to L1 and resolved there; the heatmap, the charts and the monthly table render with
 * no page errors; staff see only their own row.
 */
describe('reports page (Chromium)', function () {
  let b: BrowserBaton;
  let page: Page;
  const now = new Date();
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const from = `${month}-01`;
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString().slice(0, 10);

  const ok = async (call: Promise<{ status: number; text: string }>) => {
    const res = await call;
    expect(res.status, res.text).to.be.lessThan(300);
  };

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
    await addUser(b.baton, 'ada', 'staff', ['first-line']);
    await addUser(b.baton, 'lena', 'staff', ['l1']);
    await addUser(b.baton, 'owen', 'process-owner', ['head-of-service']);
    const ada = await b.http.as('ada');
    const lena = await b.http.as('lena');
    // given a ticket ada resolves at first line
    const one = (await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } })).body as Started;
    await ok(ada.request('POST', `/api/tasks/${one.openTasks[0]!.id}/claim`, {}));
    await ok(ada.request('POST', `/api/tasks/${one.openTasks[0]!.id}/complete`, { variables: { resolved: true } }));
    // and one she cannot: L1 (lena) resolves it
    const two = (await b.http.request('POST', '/api/instances', { processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' } })).body as Started;
    await ok(ada.request('POST', `/api/tasks/${two.openTasks[0]!.id}/complete`, { variables: { resolved: false } }));
    const l1 = ((await lena.request('GET', `/api/tasks?instanceId=${two.id}&status=open`)).body as { id: string }[])[0]!;
    await ok(lena.request('POST', `/api/tasks/${l1.id}/claim`, {}));
    await ok(lena.request('POST', `/api/tasks/${l1.id}/complete`, { variables: { resolved: true } }));
  });

  after(async () => {
    await b?.close();
  });

  const url = () => `${b.baseUrl}/reports?process=helpdesk-escalation&from=${from}&to=${next}&month=${month}`;

  it('draws the heatmap on the diagram, the charts and the monthly tables, with no page errors', async () => {
    await signInContext(b.context, b.baseUrl, { username: 'owen', password: TEST_PASSWORD });
    page = b.page;
    // when the process owner opens the report of this month
    await page.goto(url());
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    // then the first-line task has its overlay: two passed
    const overlay = page.locator('.heat-overlay[data-heat-of="Task_first_line"]');
    expect(await overlay.textContent()).to.contain('2 passed');
    expect(await page.locator('.djs-element[data-element-id="Task_L1"].heat-bottleneck, .djs-element[data-element-id="Task_first_line"].heat-bottleneck').count()).to.equal(1);
    expect(await page.locator('.djs-connection[class*="flow-"]').count()).to.be.greaterThan(2);
    // and the charts are drawn (ECharts, SVG)
    for (const chart of ['#chart-throughput', '#chart-cycle', '#chart-sla']) expect(await page.locator(`${chart} svg`).count(), chart).to.equal(1);
    expect(await page.textContent('#fcr')).to.contain('1 of 2');
    // and the monthly tables name who resolved what
    expect(await page.textContent('#people-table tr[data-row="ada"]')).to.contain('First line');
    expect(await page.locator('#departments-table tr[data-row="l1"]').count()).to.equal(1);
    // and the filters are in the URL, every CSV link points at the API
    expect(page.url()).to.contain(`month=${month}`);
    expect(await page.getAttribute('#csv-monthly', 'href')).to.contain('format=csv');
    expect(b.pageErrors).to.deep.equal([]);
    // BATON_SCREENSHOT=docs/reports.png refreshes the README's picture
    const file = process.env['BATON_SCREENSHOT'];
    if (file) await page.screenshot({ path: file, fullPage: true });
  });

  it('fits a 400 px phone and prints without the controls', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    await page.goto(url());
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).to.be.at.most(400);
    if (process.env['BATON_SCREENSHOT_PHONE']) await page.screenshot({ path: process.env['BATON_SCREENSHOT_PHONE'], fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).to.equal(false);
    expect(await page.locator('#canvas svg').first().isVisible()).to.equal(true);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1400, height: 860 });
    expect(b.pageErrors).to.deep.equal([]);
  });

  it('shows staff their own row only, in Russian when they chose it', async () => {
    const context = b.context;
    await context.clearCookies();
    await signInContext(context, b.baseUrl, { username: 'ada', password: TEST_PASSWORD });
    await context.addCookies([{ name: 'baton_lang', value: 'ru', url: b.baseUrl }]);
    await page.goto(url());
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(await page.locator('#people-table tbody tr').count()).to.equal(1);
    expect(await page.getAttribute('#people-table tbody tr', 'data-row')).to.equal('ada');
    expect(await page.locator('#heatmap-section').isVisible()).to.equal(false);
    expect(await page.textContent('h1')).to.equal('Отчёты');
    expect(b.pageErrors).to.deep.equal([]);
  });
});
