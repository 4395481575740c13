import path from 'node:path';

import { expect } from 'chai';

import type { TaskView } from '../../server/tasks/task-sla.js';
import { skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { addUser } from '../support/harness.js';
import { PNG } from './customer-support.js';

/** Page callbacks run in the page, where these exist (the test program has no DOM lib). */
declare const window: { stayed?: boolean };
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

describe('customer pages (Chromium)', function () {
  let b: BrowserBaton;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton({ signInAs: null });
  });

  after(async () => {
    await b?.close();
  });

  async function openTask(elementId: string): Promise<TaskView> {
    const res = await b.http.request('GET', '/api/tasks?status=open&processKey=field-service');
    const task = (res.body as TaskView[]).find((candidate) => candidate.elementId === elementId);
    if (!task) throw new Error(`no open ${elementId}`);
    return task;
  }

  it('a customer sends the field-service request from its QR link, follows the ticket as staff move it, and leaves feedback', async () => {
    const { page } = b;
    // given the link the printed QR code carries (an equipment id in it)
    const link = await b.http.anonymous.request('GET', '/api/public/processes/field-service/request-link?equipmentId=PUMP-7');
    const qrUrl = new URL((link.body as { url: string }).url);
    // when the customer opens it, signed out
    await page.goto(`${b.baseUrl}${qrUrl.pathname}${qrUrl.search}`);
    await page.waitForSelector('body[data-ready="true"]');
    // then the form is there, prefilled with the equipment
    expect(await page.textContent('#title')).to.equal('Report a problem with your equipment');
    expect(await page.getByLabel('Equipment id').inputValue()).to.equal('PUMP-7');
    await page.getByLabel('What is wrong?').fill('Leaking at the valve');
    await page.getByLabel('Your name').fill('Eva Example');
    await page.getByLabel('Your email').fill('eva@example.com');
    // a person takes a moment to fill a form in (the minimum fill time)
    await page.waitForTimeout(2100);
    await page.click('#send');
    // then the ticket number shows at once, with the private status link
    await page.waitForSelector('#receipt:not([hidden])');
    const ticketNumber = (await page.textContent('#ticket-number'))!;
    expect(ticketNumber).to.match(/^FS-\d{6}$/);
    await page.click('#status-link');
    await page.waitForURL(/\/status\/[A-Za-z0-9_-]{43}$/);
    expect(await page.textContent('#ticket-number')).to.equal(ticketNumber);
    expect(await page.textContent('#stage')).to.equal('Finding a technician for you');
    await page.waitForSelector('body[data-live="connected"]');
    await page.evaluate(() => (window.stayed = true));

    // when staff dispatch a technician (the admin, through the API); tom joins after automatic dispatch found nobody
    await addUser(b.baton, 'tom', 'staff', ['technicians']);
    const dispatch = await openTask('Task_dispatch_technician');
    expect((await b.http.request('POST', `/api/tasks/${dispatch.id}/complete`, { variables: { technician: 'tom' } })).status).to.equal(200);
    // then the page shows the new stage live, without reloading: a question waits on the customer
    await page.waitForFunction(() => document.querySelector('#stage')?.textContent === "A photo of the equipment's type plate");
    expect(await page.evaluate(() => window.stayed)).to.equal(true);
    expect(await page.textContent('#department')).to.equal('You');

    // when the customer sends the photo
    await page.setInputFiles('.waiting input[type="file"]', { name: 'plate.png', mimeType: 'image/png', buffer: PNG });
    await page.click('.waiting button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#stage')?.textContent === 'Technician assigned, on the way');
    expect(await page.locator('.waiting').count()).to.equal(0);

    // when the technician reports it fixed
    const visit = await openTask('Task_visit_and_repair');
    await b.baton.tasks.complete(visit.id, { fixed: true, safetyChecked: true, customerInformed: true }, 'tom');
    // then the page shows the outcome live and asks for feedback
    await page.waitForSelector('#feedback');
    expect(await page.textContent('#stage')).to.equal('Done');
    const history = await page.locator('#history li strong').allTextContents();
    expect(history).to.deep.equal(['Request received', 'Finding a technician for you', "A photo of the equipment's type plate", 'Technician assigned, on the way', 'Done']);
    await page.check('input[name="rating"][value="5"]');
    await page.fill('#comment', 'Quick and friendly');
    await page.click('#feedback button[type="submit"]');
    await page.waitForSelector('#feedback-given');
    expect(await page.textContent('#feedback-given')).to.contain('5 of 5');
    // BATON_SCREENSHOT=docs/status.png refreshes the README's picture (another file name is another test's)
    const shot = process.env['BATON_SCREENSHOT'];
    if (shot && path.basename(shot) === 'status.png') await page.screenshot({ path: shot, fullPage: true });
    expect(b.pageErrors).to.deep.equal([]);
  });
});
