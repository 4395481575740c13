import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';

/** /field: an admin adds a part, sets a van's stock, imports assets from CSV and opens an asset's history. */
describe('field service admin page (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
  });

  after(async () => {
    await b?.close();
  });

  it("adds a part and its stock, refuses a bad CSV with the row named, imports a good one and shows an asset's history", async () => {
    const { page } = b;
    await b.http.request('POST', '/api/users', { username: 'anna', password: 'staff-password-for-tests', role: 'staff', departments: ['technicians'] });
    await page.goto(`${b.baseUrl}/field`);
    await page.waitForSelector('body[data-ready="true"]');

    const partForm = page.locator('#part-form');
    await partForm.getByLabel('SKU').fill('P-17');
    await partForm.getByLabel('Name', { exact: true }).fill('Circulation pump');
    await partForm.getByLabel('Price').fill('120,50');
    await page.getByRole('button', { name: 'Add part' }).click();
    await page.waitForSelector('#parts tbody tr[data-sku="P-17"]');

    const stockForm = page.locator('#stock-form');
    await stockForm.getByLabel('Location (warehouse or van:user)').fill('van:anna');
    await stockForm.getByLabel('SKU').fill('P-17');
    await stockForm.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Set stock' }).click();
    await page.waitForFunction(() => document.querySelector('#parts tbody tr[data-sku="P-17"]')?.textContent?.includes('van:anna: 3'));

    const dir = mkdtempSync(path.join(tmpdir(), 'baton-csv-'));
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'id,type,address,lat,lon\nA-1,pump,Street 1,52.5,13.4\nA-2,pump,Street 2,north,13.4\n');
    await page.locator('#assets-import input[type="file"]').setInputFiles(bad);
    await page.locator('#assets-import button').click();
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).to.contain('row 3: lat');
    expect(await page.locator('#assets tbody tr').count()).to.equal(0);

    const good = path.join(dir, 'good.csv');
    writeFileSync(good, 'id,type,address,lat,lon,requiredSkills\nPUMP-7,pump,Mill Lane 3,52.5,13.4,pump;plumbing\n');
    await page.locator('#assets-import input[type="file"]').setInputFiles(good);
    await page.locator('#assets-import button').click();
    await page.waitForSelector('#assets tbody tr[data-asset="PUMP-7"]');
    await page.click('#assets tbody tr[data-asset="PUMP-7"]');
    await page.waitForSelector('#asset-history:not([hidden])');
    expect(await page.textContent('#asset-history')).to.contain('No tickets for this asset yet.');
    // BATON_SCREENSHOT=docs/field.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'field.png') await page.screenshot({ path: shot, fullPage: true });
    // the refused import is the one failed request the browser logs; nothing else went wrong
    expect(b.pageErrors.filter((error) => !error.includes('status of 400'))).to.deep.equal([]);
  });
});

declare const document: { querySelector(selector: string): { textContent: string | null } | null };
